"""What the matcher compares: a person's identifying details, normalised once.

A `PersonRecord` is built from what an agent typed (`record_from_data`, the create form's or
the API's cleaned values) or from a stored citizen (`records_for_ids`, in a fixed number of
queries). Empty and malformed values become "missing", never a value to match on.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import jellyfish

from citizens.matching.nicknames import group_keys
from citizens.normalise import name_tokens, phone_normalise, postcode_compact

# Words at the start of an address line that do not identify the building.
_LINE_NOISE = {"flat", "apartment", "apt", "unit", "room", "the"}
_STREET_WORDS = {
    "street": "st",
    "road": "rd",
    "avenue": "ave",
    "lane": "ln",
    "drive": "dr",
    "close": "cl",
    "court": "ct",
    "crescent": "cres",
    "place": "pl",
    "gardens": "gdns",
    "terrace": "ter",
    "square": "sq",
}


@dataclass(frozen=True)
class AddressKey:
    postcode: str  # compact, upper case: "SW1A1AA"
    line: str  # house number(s) and first street word: "12 high"
    uprn: str
    town: str
    is_current: bool
    line_1: str = ""  # as typed, for explanations

    @property
    def outward(self) -> str:
        return self.postcode[:-3] if len(self.postcode) > 3 else ""

    def same_place(self, other: "AddressKey") -> bool:
        if self.uprn and other.uprn:
            return self.uprn == other.uprn
        return bool(self.postcode and self.line) and (
            self.postcode == other.postcode and self.line == other.line
        )


@dataclass
class PersonRecord:
    id: int | None = None
    first: str = ""  # first token of the first name, normalised: "mary"
    first_raw: str = ""
    last: str = ""  # whole surname, normalised: "smith jones"
    last_raw: str = ""
    other_names: frozenset = frozenset()  # middle and known-as name tokens
    dob: date | None = None
    addresses: list[AddressKey] = field(default_factory=list)
    emails: frozenset = frozenset()  # compared forms (email_key)
    phones: frozenset = frozenset()  # E.164
    raw_emails: frozenset = frozenset()  # as typed, lower case (for the indexed look-up)

    @property
    def last_tokens(self) -> list[str]:
        return self.last.split()

    @property
    def current_address(self) -> AddressKey | None:
        return next((a for a in self.addresses if a.is_current), None)

    def name_keys(self) -> set[str]:
        """Blocking keys: one per name token (sound-alike), plus nickname groups of the first."""
        keys: set[str] = set()
        for token in [self.first, *self.last_tokens]:
            if len(token) >= 2:
                keys.add("m" + jellyfish.metaphone(token))
        if self.first:
            keys.update(group_keys(self.first))
        return keys


@lru_cache(maxsize=200_000)
def _tokens(value: str) -> tuple[str, ...]:
    """Normalised name tokens, cached: registers repeat the same names and streets a lot."""
    return tuple(name_tokens(value or ""))


@lru_cache(maxsize=200_000)
def line_key(line_1: str) -> str:
    """'Flat 3, 12 High Street' -> '3 12 high'; '12 high st' -> '12 high'."""
    tokens = [t for t in _tokens(line_1) if t not in _LINE_NOISE]
    numbers = [t for t in tokens if any(c.isdigit() for c in t)]
    words = [_STREET_WORDS.get(t, t) for t in tokens if not any(c.isdigit() for c in t)]
    return " ".join([*numbers, *words[:1]])


def email_key(value: str) -> str:
    """Compare addresses as mail servers do: case, Gmail dots and +tags do not matter."""
    value = (value or "").strip().lower()
    if "@" not in value:
        return ""
    local, _, domain = value.rpartition("@")
    if not local or "." not in domain:
        return ""
    local = local.split("+", 1)[0]
    if domain in ("gmail.com", "googlemail.com"):
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}" if local else ""


def phone_key(value: str) -> str:
    """E.164 for anything that is a phone number ('+44 7700 900123', '07700900123'), else ''."""
    if len(re.sub(r"\D", "", value or "")) < 6:
        return ""
    try:
        return phone_normalise(value)
    except ValueError:
        return ""


def _first_token(value: str) -> str:
    tokens = _tokens(value)
    return tokens[0] if tokens else ""


@lru_cache(maxsize=65536)  # AddressKey is immutable: one per distinct address, shared
def _address(line_1, postcode, uprn="", town="", is_current=True) -> AddressKey | None:
    pc = postcode_compact(postcode or "")
    if not pc and not (uprn or "").strip():
        return None
    return AddressKey(
        postcode=pc,
        line=line_key(line_1 or ""),
        uprn=(uprn or "").strip(),
        town=" ".join(_tokens(town or "")),
        is_current=is_current,
        line_1=(line_1 or "").strip(),
    )


def record_from_data(data: dict, *, id=None) -> PersonRecord:
    """A record from form/API values (keys as `citizens.forms.CitizenForm`)."""
    dob = data.get("date_of_birth")
    address = _address(
        data.get("address_line_1"), data.get("postcode"), data.get("uprn"), data.get("town")
    )
    other = set(name_tokens(data.get("middle_names", ""))) | set(
        name_tokens(data.get("preferred_name", ""))
    )
    first = _first_token(data.get("first_name", ""))
    last = " ".join(name_tokens(data.get("last_name", "")))
    return PersonRecord(
        id=id,
        first=first,
        first_raw=(data.get("first_name") or "").strip(),
        last=last,
        last_raw=(data.get("last_name") or "").strip(),
        other_names=frozenset(other - {first}),
        dob=dob if isinstance(dob, date) else None,
        addresses=[address] if address else [],
        emails=frozenset(k for k in [email_key(data.get("email", ""))] if k),
        raw_emails=frozenset(
            e for e in [(data.get("email") or "").strip().lower()] if email_key(e)
        ),
        phones=frozenset(k for k in [phone_key(data.get("phone", ""))] if k),
    )


CITIZEN_FIELDS = (
    "id",
    "first_name",
    "middle_names",
    "last_name",
    "preferred_name",
    "date_of_birth",
)


def records_for_ids(ids, *, active_only=False) -> dict[int, PersonRecord]:
    """Stored citizens as records, in four queries whatever the number of ids."""
    from citizens.models import Address, Citizen, EmailAddress, PhoneNumber

    ids = list(ids)
    if not ids:
        return {}
    rows = Citizen.objects.filter(id__in=ids).order_by()
    if active_only:
        rows = rows.filter(status=Citizen.Status.ACTIVE)
    rows = list(rows.values_list(*CITIZEN_FIELDS))
    ids = [r[0] for r in rows]
    if not ids:
        return {}
    addresses = (
        Address.objects.filter(citizen_id__in=ids)
        .order_by()
        .values_list("citizen_id", "line_1", "postcode", "uprn", "town", "is_current")
    )
    emails = (
        EmailAddress.objects.filter(citizen_id__in=ids)
        .order_by()
        .values_list("citizen_id", "email")
    )
    phones = (
        PhoneNumber.objects.filter(citizen_id__in=ids)
        .order_by()
        .values_list("citizen_id", "number")
    )
    return records_from_rows(rows, addresses, emails, phones)


def records_from_rows(rows, addresses, emails, phones) -> dict[int, PersonRecord]:
    by_addr: dict[int, list] = {}
    for cid, line_1, postcode, uprn, town, is_current in addresses:
        a = _address(line_1, postcode, uprn, town, is_current)
        if a:
            by_addr.setdefault(cid, []).append(a)
    by_email: dict[int, set] = {}
    for cid, email in emails:
        k = email_key(email)
        if k:
            by_email.setdefault(cid, set()).add(k)
    by_phone: dict[int, set] = {}
    for cid, number in phones:
        if number:
            by_phone.setdefault(cid, set()).add(number)
    return {
        row[0]: _stored(*row, by_addr.get(row[0], ()), by_email.get(row[0], ()),
                        by_phone.get(row[0], ()))
        for row in rows
    }  # fmt: skip


def records_from_load_rows(rows) -> dict[int, PersonRecord]:
    """Records from rows carrying their addresses, emails and phones as arrays (one query):
    (id, first_name, middle_names, last_name, preferred_name, date_of_birth,
    [[line_1, postcode, uprn, town, is_current as 'true'/'false'], ...], [email, ...],
    [number, ...]) — the same records `records_from_rows` makes of the four queries' rows."""
    out = {}
    for pk, first_name, middle, last_name, preferred, dob, adds, mails, numbers in rows:
        addresses = []
        for line_1, postcode, uprn, town, is_current in adds or ():
            a = _address(line_1, postcode, uprn, town, is_current == "true")
            if a:
                addresses.append(a)
        emails = {k for k in map(email_key, mails or ()) if k}
        phones = {n for n in numbers or () if n}
        out[pk] = _stored(pk, first_name, middle, last_name, preferred, dob, addresses, emails,
                          phones)  # fmt: skip
    return out


def _stored(pk, first_name, middle, last_name, preferred, dob, addresses, emails, phones):
    first = _first_token(first_name)
    other = set(_tokens(middle)) | set(_tokens(preferred))
    return PersonRecord(
        id=pk,
        first=first,
        first_raw=first_name or "",
        last=" ".join(_tokens(last_name)),
        last_raw=last_name or "",
        other_names=frozenset(other - {first}),
        dob=dob,
        addresses=sorted(addresses, key=_previous),
        emails=frozenset(emails),
        phones=frozenset(phones),
    )


def _previous(a: AddressKey) -> bool:
    return not a.is_current
