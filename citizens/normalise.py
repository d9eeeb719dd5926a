"""Canonical forms for the identifiers agents type in many shapes (postcodes, phones, names)."""

import re
import unicodedata

import phonenumbers

# The UK postcode shape (outward code, space, inward code), including GIR 0AA.
POSTCODE_RE = re.compile(r"^(GIR ?0AA|[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2})$")


def postcode_normalise(value: str) -> str:
    """'sw1a1aa' -> 'SW1A 1AA'. Returns '' for blank; raises ValueError if not a UK postcode."""
    compact = re.sub(r"\s+", "", (value or "").upper())
    if not compact:
        return ""
    if not POSTCODE_RE.match(compact):
        raise ValueError("Enter a real UK postcode, like SW1A 1AA")
    return f"{compact[:-3]} {compact[-3:]}"


def postcode_compact(value: str) -> str:
    return re.sub(r"\s+", "", (value or "").upper())


def looks_like_postcode(value: str) -> bool:
    return bool(POSTCODE_RE.match(postcode_compact(value)))


def phone_normalise(value: str) -> str:
    """Any UK format ('07700 900123', '+44 7700 900123', '(0161) 496 0000') -> E.164."""
    try:
        parsed = phonenumbers.parse(value or "", "GB")
    except phonenumbers.NumberParseException as exc:
        raise ValueError("Enter a phone number, like 07700 900 123 or 01632 960 001") from exc
    if not phonenumbers.is_possible_number(parsed):
        raise ValueError("Enter a phone number, like 07700 900 123 or 01632 960 001")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def phone_is_mobile(e164: str) -> bool:
    try:
        parsed = phonenumbers.parse(e164, "GB")
    except phonenumbers.NumberParseException:
        return False
    kind = phonenumbers.number_type(parsed)
    if kind in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        return True
    # Ofcom's drama range 07700 900xxx is not "valid" but is plainly a mobile number.
    return e164.startswith("+447")


def phone_display(e164: str) -> str:
    try:
        parsed = phonenumbers.parse(e164, "GB")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)


def name_normalise(value: str) -> str:
    """Lower case, no accents or punctuation, single spaces: "Zoë O'Brien" -> 'zoe obrien'."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    ascii_only = re.sub(r"['’`.]", "", ascii_only.lower())
    return re.sub(r"[^a-z0-9]+", " ", ascii_only).strip()
