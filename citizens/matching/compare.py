"""Field comparisons: each returns the level two records agree at, with what explains it.

Levels are plain strings so parameters and explanations can name them. "missing" means one
side has no value: it is neither evidence for nor against.
"""

from functools import lru_cache
from typing import NamedTuple

import jellyfish

from citizens.matching.nicknames import same_name_group
from citizens.matching.records import PersonRecord

MISSING = "missing"


class Level(NamedTuple):
    comparison: str
    level: str
    a: str = ""  # the values compared, for explanations
    b: str = ""
    tf_value: str = ""  # the value whose frequency adjusts the weight (exact name/DOB)
    years_apart: int = 0


@lru_cache(maxsize=65536)
def _sound(word: str) -> str:
    return jellyfish.metaphone(word)


@lru_cache(maxsize=262144)
def _close(a: str, b: str) -> bool:
    """One typo apart, or sounding alike: Smtih/Smith, Jon/John, Thompson/Thomson."""
    if not a or not b:
        return False
    la, lb = len(a), len(b)
    if la >= 4 and lb >= 4 and abs(la - lb) <= 1:
        if jellyfish.damerau_levenshtein_distance(a, b) <= 1:
            return True
        if la == lb and sorted(a) == sorted(b):
            return True
    if a[0] == b[0] and jellyfish.jaro_winkler_similarity(a, b) >= 0.93:
        return True
    return la >= 3 and lb >= 3 and _sound(a) == _sound(b)


def first_name(a: PersonRecord, b: PersonRecord) -> Level:
    fa, fb = a.first, b.first
    if not fa or not fb:
        return Level("first_name", MISSING)
    shown = (a.first_raw, b.first_raw)
    if fa == fb:
        if len(fa) == 1:
            return Level("first_name", "initial", *shown)
        return Level("first_name", "exact", *shown, tf_value=fa)
    if len(fa) == 1 or len(fb) == 1:
        level = "initial" if fa[0] == fb[0] else "different"
        return Level("first_name", level, *shown)
    if same_name_group(fa, fb):
        return Level("first_name", "nickname", *shown)
    if fa in b.other_names or fb in a.other_names:
        return Level("first_name", "other_name", *shown)
    if any(same_name_group(fa, o) for o in b.other_names) or any(
        same_name_group(fb, o) for o in a.other_names
    ):
        return Level("first_name", "other_name", *shown)
    if _close(fa, fb):
        return Level("first_name", "typo", *shown)
    return Level("first_name", "different", *shown)


def last_name(a: PersonRecord, b: PersonRecord) -> Level:
    la, lb = a.last, b.last
    if not la or not lb:
        return Level("last_name", MISSING)
    shown = (a.last_raw, b.last_raw)
    if la == lb:
        return Level("last_name", "exact", *shown, tf_value=la)
    ta, tb = set(la.split()), set(lb.split())
    if ta & tb:
        # Smith and Smith-Jones: one name is part of a double-barrelled one.
        return Level("last_name", "part", *shown)
    if _close(la.replace(" ", ""), lb.replace(" ", "")):
        return Level("last_name", "typo", *shown)
    return Level("last_name", "different", *shown)


def names_swapped(a: PersonRecord, b: PersonRecord) -> bool:
    """First and last names entered the other way round (Smith John / John Smith)."""
    if not (a.first and a.last and b.first and b.last) or a.first == b.first:
        return False
    cross_1 = a.first == b.last or _close(a.first, b.last)
    cross_2 = a.last == b.first or _close(a.last, b.first)
    return cross_1 and cross_2


@lru_cache(maxsize=65536)  # dates repeat across pairs: a register has ~26,000 birthdays
def _day(d) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


@lru_cache(maxsize=65536)
def _digits(d) -> tuple:
    y = d.year
    return (d.day // 10, d.day % 10, d.month // 10, d.month % 10, y // 1000, y // 100 % 10,
            y // 10 % 10, y % 10)  # fmt: skip


def date_of_birth(a: PersonRecord, b: PersonRecord) -> Level:
    da, db = a.dob, b.dob
    if not da or not db:
        return Level("date_of_birth", MISSING)
    if da == db:
        return Level("date_of_birth", "exact", _day(da), _day(db), da.isoformat())
    years = abs(da.year - db.year)
    if da.year == db.year and da.day == db.month and da.month == db.day:
        return Level("date_of_birth", "day_month_swapped", _day(da), _day(db))
    one_digit = sum(x != y for x, y in zip(_digits(da), _digits(db), strict=True)) == 1
    if one_digit or (da.day == db.day and da.month == db.month and years == 1):
        return Level("date_of_birth", "one_off", _day(da), _day(db), years_apart=years)
    return Level("date_of_birth", "different", _day(da), _day(db), years_apart=years)


def address(a: PersonRecord, b: PersonRecord) -> Level:
    ca, cb = a.current_address, b.current_address
    if not a.addresses or not b.addresses:
        return Level("address", MISSING)
    if ca and cb and ca.same_place(cb):
        return Level("address", "same", ca.line_1, cb.line_1)
    # One record's address is (or was) the other's: moved house, or an old record not updated.
    for x in a.addresses:
        for y in b.addresses:
            if x.same_place(y):
                return Level("address", "previous", x.line_1, y.line_1)
    if not (ca and cb):
        return Level("address", MISSING)
    if ca.postcode and ca.postcode == cb.postcode:
        return Level("address", "postcode", ca.line_1, cb.line_1)
    if (ca.outward and ca.outward == cb.outward) or (ca.town and ca.town == cb.town):
        return Level("address", "area", ca.line_1, cb.line_1)
    return Level("address", "different", ca.line_1, cb.line_1)


def email(a: PersonRecord, b: PersonRecord) -> Level:
    if not a.emails or not b.emails:
        return Level("email", MISSING)
    return Level("email", "exact" if a.emails & b.emails else "different")


def phone(a: PersonRecord, b: PersonRecord) -> Level:
    if not a.phones or not b.phones:
        return Level("phone", MISSING)
    return Level("phone", "exact" if a.phones & b.phones else "different")


def compare(a: PersonRecord, b: PersonRecord) -> list[Level]:
    """Every comparison for one pair; swapped names are compared crosswise."""
    if names_swapped(a, b):
        last = last_name(
            a,
            PersonRecord(last=b.first, last_raw=b.first_raw),
        )
        shown = (f"{a.first_raw} {a.last_raw}", f"{b.first_raw} {b.last_raw}")
        first = Level("first_name", "swapped", *shown)
        names = [first, Level("last_name", last.level, last.a, last.b, tf_value=last.tf_value)]
    else:
        names = [first_name(a, b), last_name(a, b)]
    return [*names, date_of_birth(a, b), address(a, b), email(a, b), phone(a, b)]
