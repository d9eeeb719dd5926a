"""Canonical forms for the identifiers agents type in many shapes (postcodes, phones, names)."""

import re
import unicodedata
from functools import lru_cache

import phonenumbers

# The UK postcode shape (outward code, space, inward code), including GIR 0AA.
POSTCODE_RE = re.compile(r"^(GIR ?0AA|[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2})$")


def citizen_reference(n: int) -> str:
    """The human-readable citizen reference for number n of the `citizen` sequence: C0001234."""
    return f"C{n:07d}"


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


@lru_cache(maxsize=20_000)
def phone_display(e164: str) -> str:
    """A stored number as people read it ("01632 960123"); parsing costs ~0.1 ms, and a page of
    search results shows dozens, so the few thousand seen recently are kept (#19)."""
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


def name_tokens(value: str) -> list[str]:
    return [t for t in name_normalise(value).split() if t]


def token_keys(token: str) -> list[str]:
    """Search keys of one normalised name token: phonetic (metaphone, NYSIIS) and sorted letters.

    Sounds-alike spellings (Jon/John, Smyth/Smith) share a phonetic key; swapped letters
    (Smtih/Smith, Jhon/John) share the sorted-letters key. Prefixes keep keys apart from names.
    """
    import jellyfish

    letters = re.sub(r"[^a-z]", "", token)
    if len(letters) < 2:
        return []
    keys = {
        "qm" + jellyfish.metaphone(letters).lower(),
        "qn" + jellyfish.nysiis(letters).lower(),
        "qs" + "".join(sorted(letters)),
    }
    return sorted(k for k in keys if len(k) > 2)


def search_keys_for(*names: str) -> str:
    """The `Citizen.search_keys` text: every name token and its keys, space-separated."""
    tokens: list[str] = []
    for name in names:
        tokens.extend(name_tokens(name))
    out: list[str] = []
    for token in dict.fromkeys(tokens):
        out.append(token)
        out.extend(token_keys(token))
    return " ".join(dict.fromkeys(out))


def reference_compact(value: str) -> str:
    """'ct 1234-567' -> 'CT1234567': how external references are stored and matched."""
    return re.sub(r"[^A-Z0-9]", "", (value or "").upper())
