"""Scoring pairs and finding the records one person may already have."""

import math
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import connection
from django.db.models import F, Q
from django.db.models.functions import Collate, Lower

from citizens.matching import explain
from citizens.matching.bound import may_reach
from citizens.matching.bulk import candidates_bounded
from citizens.matching.compare import compare
from citizens.matching.parameters import Parameters, parameters_current
from citizens.matching.records import (
    PersonRecord,
    record_from_data,
    records_for_ids,
    records_from_load_rows,
)

BANDS = ("certain", "probable", "possible")
BAND_LABELS = {
    "certain": "Almost certainly the same person",
    "probable": "Probably the same person",
    "possible": "Possibly the same person",
}
# At most this many records are scored per check (each blocking rule is capped too).
CANDIDATE_CAP = 500
SQLITE_CHUNK = 100  # people per blocking query on SQLite (its limit on parameters)


@dataclass
class Match:
    """One scored pair: `score` is the match weight (log2 odds of one person; 0 = even odds)."""

    citizen_id: int | None
    score: float
    probability: float
    band: str  # "certain" | "probable" | "possible" | "" (below every threshold)
    summary: str
    reasons_for: list[str] = field(default_factory=list)
    reasons_against: list[str] = field(default_factory=list)
    levels: dict[str, str] = field(default_factory=dict)

    @property
    def reasons(self) -> list[str]:
        return [*self.reasons_for, *self.reasons_against]

    @property
    def band_label(self) -> str:
        return BAND_LABELS.get(self.band, "Unlikely to be the same person")

    @property
    def blocks_creation(self) -> bool:
        return self.band in ("certain", "probable")


def thresholds() -> dict[str, float]:
    return {
        "certain": settings.MATCH_CERTAIN_SCORE,
        "probable": settings.MATCH_PROBABLE_SCORE,
        "possible": settings.MATCH_POSSIBLE_SCORE,
    }


def band_for(score: float, limits: dict[str, float] | None = None) -> str:
    limits = limits or thresholds()
    for band in BANDS:
        if score >= limits[band]:
            return band
    return ""


def _weigh(a: PersonRecord, b: PersonRecord, params: Parameters):
    levels = {lv.comparison: lv for lv in compare(a, b)}
    household = levels["address"].level == "same"
    weights = {c: params.weight(lv, household=household) for c, lv in levels.items()}
    return levels, household, weights, params.prior_weight + sum(weights.values())


def _match(b_id, levels, household, weights, total, params, limits) -> Match:
    # How common the shared value is in the register (for "a common one" in the words).
    u_values = {
        c: params.u_value(lv, household=False) if lv.level != "missing" else 1.0
        for c, lv in levels.items()
    }
    pro, con = explain.evidence(levels, weights, u_values)
    return Match(
        citizen_id=b_id,
        score=round(total, 1),
        probability=1 / (1 + 2 ** (-total)) if total > -60 else 0.0,
        band=band_for(total, limits),
        summary=explain.summary(levels, weights),
        reasons_for=pro,
        reasons_against=con,
        levels={c: lv.level for c, lv in levels.items()},
    )


def score_pair(
    a: PersonRecord, b: PersonRecord, params: Parameters | None = None, limits=None
) -> Match:
    """Compare two records field by field and add up the evidence (Fellegi–Sunter)."""
    params = params or parameters_current()
    return _match(b.id, *_weigh(a, b, params), params, limits)


def score_pairs(pairs, records, *, floor: float, params=None, limits=None):
    """Yield (a_id, b_id, Match) for pairs scoring at least `floor`; only those are explained.

    Pairs whose upper bound (`bound.may_reach`, exact) is below `floor` are not compared at all.
    """
    params = params or parameters_current()
    limits = limits or thresholds()
    for a_id, b_id in pairs:
        a, b = records[a_id], records[b_id]
        if floor > -math.inf and not may_reach(a, b, floor, params):
            continue
        weighed = _weigh(a, b, params)
        if weighed[3] >= floor:
            yield a_id, b_id, _match(b_id, *weighed, params, limits)


# --- candidates for one person ----------------------------------------------------------------


def dob_variants(dob: date) -> set[date]:
    """Dates one slip away: day and month swapped, one digit changed, the year one out."""
    out: set[date] = set()
    if dob.day <= 12 and dob.day != dob.month:
        out.add(date(dob.year, dob.day, dob.month))
    text = dob.strftime("%d%m%Y")
    for i in range(8):
        for digit in "0123456789":
            if digit == text[i]:
                continue
            s = text[:i] + digit + text[i + 1 :]
            try:
                out.add(date(int(s[4:]), int(s[2:4]), int(s[:2])))
            except ValueError:
                continue
    for years in (-1, 1):
        try:
            out.add(dob.replace(year=dob.year + years))
        except ValueError:
            out.add(dob.replace(year=dob.year + years, day=28))
    out.discard(dob)
    return {d for d in out if 1880 <= d.year <= date.today().year}


def candidate_ids(person: PersonRecord, *, cap: int = CANDIDATE_CAP) -> set[int]:
    query = _blocking_query(person, cap=cap)
    return set() if query is None else {pk for (pk,) in query}


def _blocking_query(person: PersonRecord, *, cap: int = CANDIDATE_CAP):
    """Blocking: ids of records sharing an indexed key with `person`, in one query.

    Date of birth; a date one slip away with the same surname (or the first name, for swapped
    names); the same surname with no date of birth; with no date of birth typed, the same
    surname and first name; any address in the same postcode or with the same UPRN; the same
    email or phone. Each branch is an index lookup; their union is capped at `cap` rows.
    """
    from citizens.models import Address, Citizen, EmailAddress, PhoneNumber

    citizens = Citizen.objects.order_by()
    branches = []
    surnames = {person.last, *person.last_tokens} - {""}
    swapped = {person.first} if person.first and len(person.first) > 1 else set()
    by_citizen = Q()
    if person.dob:
        by_citizen |= Q(date_of_birth=person.dob)
        if surnames | swapped:
            by_citizen |= Q(
                date_of_birth__in=sorted(dob_variants(person.dob)),
                search_last_name__in=sorted(surnames | swapped),
            )
    if surnames:
        by_citizen |= Q(search_last_name__in=sorted(surnames), date_of_birth=None)
    if by_citizen:
        branches.append(citizens.filter(by_citizen).values_list("id"))
    if not person.dob and surnames and person.first and len(person.first) > 1:
        # No date of birth typed: the same surname and first name (range on the C index).
        c_collation = connection.vendor == "postgresql"  # the C-collated index (0004)
        sl = Collate("search_last_name", "C") if c_collation else F("search_last_name")
        sn = Collate("search_name", "C") if c_collation else F("search_name")
        branches.append(
            citizens.annotate(sl=sl, sn=sn)
            .filter(
                status=Citizen.Status.ACTIVE,
                sl=person.last,
                sn__gte=person.first + " ",
                sn__lt=person.first + "!",
            )
            .values_list("id")
        )
    postcodes = sorted({a.postcode for a in person.addresses if a.postcode})
    uprns = sorted({a.uprn for a in person.addresses if a.uprn})
    if postcodes or uprns:
        branches.append(
            Address.objects.order_by()
            .filter(Q(postcode_compact__in=postcodes) | Q(uprn__in=uprns))
            .values_list("citizen_id")
        )
    if person.emails:
        branches.append(
            EmailAddress.objects.order_by()
            .annotate(e=Lower("email"))
            .filter(e__in=sorted(person.emails | person.raw_emails))
            .values_list("citizen_id")
        )
    if person.phones:
        branches.append(
            PhoneNumber.objects.order_by()
            .filter(number__in=sorted(person.phones))
            .values_list("citizen_id")
        )
    if not branches:
        return None
    query = branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]
    return query[: cap * 4]


# Blocking and loading in one round trip (PostgreSQL): the candidates' rows with their
# addresses, emails and phones as arrays, for the ids the blocking union finds.
_LOAD_SQL = """
SELECT c.id, c.first_name, c.middle_names, c.last_name, c.preferred_name, c.date_of_birth,
    ARRAY(SELECT ARRAY[a.line_1, a.postcode, a.uprn, a.town, a.is_current::text]
          FROM citizens_address a WHERE a.citizen_id = c.id),
    ARRAY(SELECT e.email FROM citizens_emailaddress e WHERE e.citizen_id = c.id),
    ARRAY(SELECT p.number FROM citizens_phonenumber p WHERE p.citizen_id = c.id)
FROM citizens_citizen c
WHERE c.id IN ({blocking}) AND c.status = %s
"""
# The blocking union of `_blocking_query` written out once (PostgreSQL): the same branches,
# with arrays for the lists (`x = ANY(array)` is how PostgreSQL plans `x IN (...)` anyway),
# so a check costs string joins instead of building the query with the ORM.
_SQL_DOB = '"date_of_birth" = %s'
_SQL_SLIP = '("date_of_birth" = ANY(%s) AND "search_last_name" = ANY(%s))'
_SQL_UNDATED = '("date_of_birth" IS NULL AND "search_last_name" = ANY(%s))'
_SQL_NAME = (
    'SELECT "id" FROM "citizens_citizen" WHERE "search_last_name" COLLATE "C" = %s AND '
    '"search_name" COLLATE "C" >= %s AND "search_name" COLLATE "C" < %s AND "status" = %s'
)
_SQL_EMAIL = 'SELECT "citizen_id" FROM "citizens_emailaddress" WHERE LOWER("email") = ANY(%s)'
_SQL_PHONE = 'SELECT "citizen_id" FROM "citizens_phonenumber" WHERE "number" = ANY(%s)'


def _blocking_sql(person: PersonRecord, *, cap: int = CANDIDATE_CAP):
    """(sql, params) of `_blocking_query(person, cap=cap)` for PostgreSQL, or None."""
    from citizens.models import Citizen

    branches, params = [], []
    surnames = {person.last, *person.last_tokens} - {""}
    swapped = {person.first} if person.first and len(person.first) > 1 else set()
    by_citizen = []
    if person.dob:
        by_citizen.append(_SQL_DOB)
        params.append(person.dob)
        if surnames | swapped:
            by_citizen.append(_SQL_SLIP)
            params += [sorted(dob_variants(person.dob)), sorted(surnames | swapped)]
    if surnames:
        by_citizen.append(_SQL_UNDATED)
        params.append(sorted(surnames))
    if by_citizen:
        branches.append('SELECT "id" FROM "citizens_citizen" WHERE ' + " OR ".join(by_citizen))
    if not person.dob and surnames and person.first and len(person.first) > 1:
        branches.append(_SQL_NAME)
        params += [person.last, person.first + " ", person.first + "!", Citizen.Status.ACTIVE]
    postcodes = sorted({a.postcode for a in person.addresses if a.postcode})
    uprns = sorted({a.uprn for a in person.addresses if a.uprn})
    if postcodes or uprns:
        where = []
        if postcodes:
            where.append('"postcode_compact" = ANY(%s)')
            params.append(postcodes)
        if uprns:
            where.append('"uprn" = ANY(%s)')
            params.append(uprns)
        branches.append('SELECT "citizen_id" FROM "citizens_address" WHERE ' + " OR ".join(where))
    if person.emails:
        branches.append(_SQL_EMAIL)
        params.append(sorted(person.emails | person.raw_emails))
    if person.phones:
        branches.append(_SQL_PHONE)
        params.append(sorted(person.phones))
    if not branches:
        return None
    sql = " UNION ALL ".join(f"({b})" for b in branches) + f" LIMIT {int(cap * 4)}"
    return sql, params


def _blocked_records(person: PersonRecord, *, cap: int = CANDIDATE_CAP):
    """Active records blocked with `person`, loaded: one query on PostgreSQL, five elsewhere."""
    from citizens.models import Citizen

    if connection.vendor != "postgresql":
        query = _blocking_query(person, cap=cap)
        if query is None:
            return {}
        return records_for_ids({pk for (pk,) in query}, active_only=True)
    blocking = _blocking_sql(person, cap=cap)
    if blocking is None:
        return {}
    sql, params = blocking
    with connection.cursor() as cursor:
        cursor.execute(_LOAD_SQL.format(blocking=sql), [*params, Citizen.Status.ACTIVE])
        return records_from_load_rows(cursor.fetchall())


def _blocking_terms(person: PersonRecord) -> dict:
    """What `candidate_ids` looks up for one person, as sets (shared by the batch path)."""
    surnames = {person.last, *person.last_tokens} - {""}
    swapped = {person.first} if person.first and len(person.first) > 1 else set()
    return {
        "surnames": surnames,
        "variant_names": surnames | swapped,
        "variants": dob_variants(person.dob) if person.dob and (surnames | swapped) else set(),
        "by_name": not person.dob and bool(surnames) and len(person.first) > 1,
        "postcodes": {a.postcode for a in person.addresses if a.postcode},
        "uprns": {a.uprn for a in person.addresses if a.uprn},
        "emails": set(person.emails | person.raw_emails) if person.emails else set(),
        "phones": set(person.phones),
    }


def candidate_ids_many(people: list[PersonRecord], *, cap: int = CANDIDATE_CAP) -> list[set]:
    """Blocking for many people at once: one query per blocking key for the whole batch.

    Gives each person exactly the ids `candidate_ids` gives them: the same branches, looked up
    for everyone together (dates of birth, dates one slip away with a surname, surnames without
    a date, names without a date, postcodes and UPRNs, emails, phones) and shared out in
    memory. A person whose blocks hold more rows than the single path's cap is looked up on
    their own, so the cap cuts their candidates exactly as it would for one check.
    """
    from citizens.models import Address, Citizen, EmailAddress, PhoneNumber

    if connection.vendor != "postgresql" and len(people) > SQLITE_CHUNK:
        # SQLite allows a limited number of parameters in one statement.
        return [
            ids
            for start in range(0, len(people), SQLITE_CHUNK)
            for ids in candidate_ids_many(people[start : start + SQLITE_CHUNK], cap=cap)
        ]
    terms = [_blocking_terms(p) for p in people]
    found: list[set] = [set() for _ in people]
    rows_seen = [0] * len(people)
    citizens = Citizen.objects.order_by()

    dobs = {p.dob for p in people if p.dob}
    surnames = {n for t in terms for n in t["surnames"]}
    # Slipped dates go with the person's own names: grouped by names, so the query asks for
    # (date, name) pairs someone in the batch has, not every date with every name.
    slips: dict[frozenset, set] = {}
    for t in terms:
        if t["variants"]:
            slips.setdefault(frozenset(t["variant_names"]), set()).update(t["variants"])
    by_citizen = Q()
    if dobs:
        by_citizen |= Q(date_of_birth__in=sorted(dobs))
    for names, dates in slips.items():
        by_citizen |= Q(date_of_birth__in=sorted(dates), search_last_name__in=sorted(names))
    if surnames:
        by_citizen |= Q(search_last_name__in=sorted(surnames), date_of_birth=None)
    if by_citizen:
        rows = citizens.filter(by_citizen).values_list("id", "date_of_birth", "search_last_name")
        by_dob: dict = {}
        by_pair: dict = {}
        by_null_name: dict = {}
        for pk, dob, last in rows:
            if dob is None:
                by_null_name.setdefault(last, set()).add(pk)
            else:
                by_dob.setdefault(dob, set()).add(pk)
                by_pair.setdefault((dob, last), set()).add(pk)
        for i, (p, t) in enumerate(zip(people, terms, strict=True)):
            mine = set()
            if p.dob:
                mine |= by_dob.get(p.dob, set())
                for d in t["variants"]:
                    for n in t["variant_names"]:
                        mine |= by_pair.get((d, n), set())
            for n in t["surnames"]:
                mine |= by_null_name.get(n, set())
            found[i] |= mine
            rows_seen[i] += len(mine)
    named = [(i, p) for i, (p, t) in enumerate(zip(people, terms, strict=True)) if t["by_name"]]
    if named:
        c_collation = connection.vendor == "postgresql"  # the C-collated index (0004)
        sl = Collate("search_last_name", "C") if c_collation else F("search_last_name")
        sn = Collate("search_name", "C") if c_collation else F("search_name")
        either = Q()
        for _i, p in named:
            either |= Q(sl=p.last, sn__gte=p.first + " ", sn__lt=p.first + "!")
        rows = (
            citizens.annotate(sl=sl, sn=sn)
            .filter(either, status=Citizen.Status.ACTIVE)
            .values_list("id", "search_last_name", "search_name")
        )
        by_last: dict = {}
        for pk, last, name in rows:
            by_last.setdefault(last, []).append((pk, name))
        for i, p in named:
            low, high = p.first + " ", p.first + "!"
            hits = [pk for pk, name in by_last.get(p.last, ()) if low <= name < high]
            found[i].update(hits)
            rows_seen[i] += len(hits)
    postcodes = {pc for t in terms for pc in t["postcodes"]}
    uprns = {u for t in terms for u in t["uprns"]}
    if postcodes or uprns:
        rows = (
            Address.objects.order_by()
            .filter(Q(postcode_compact__in=sorted(postcodes)) | Q(uprn__in=sorted(uprns)))
            .values_list("citizen_id", "postcode_compact", "uprn")
        )
        by_postcode: dict = {}
        by_uprn: dict = {}
        for n, (cid, pc, uprn) in enumerate(rows):
            by_postcode.setdefault(pc, []).append((n, cid))
            if uprn:
                by_uprn.setdefault(uprn, []).append((n, cid))
        for i, t in enumerate(terms):
            hits = {}
            for pc in t["postcodes"]:
                hits.update(by_postcode.get(pc, ()))
            for uprn in t["uprns"]:
                hits.update(by_uprn.get(uprn, ()))
            found[i].update(hits.values())
            rows_seen[i] += len(hits)  # address rows, as the single query counts them
    emails = {e for t in terms for e in t["emails"]}
    if emails:
        rows = (
            EmailAddress.objects.order_by()
            .annotate(e=Lower("email"))
            .filter(e__in=sorted(emails))
            .values_list("citizen_id", "e")
        )
        by_email: dict = {}
        for cid, e in rows:
            by_email.setdefault(e, []).append(cid)
        for i, t in enumerate(terms):
            hits = [cid for e in t["emails"] for cid in by_email.get(e, ())]
            found[i].update(hits)
            rows_seen[i] += len(hits)
    phones = {n for t in terms for n in t["phones"]}
    if phones:
        rows = (
            PhoneNumber.objects.order_by()
            .filter(number__in=sorted(phones))
            .values_list("citizen_id", "number")
        )
        by_phone: dict = {}
        for cid, number in rows:
            by_phone.setdefault(number, []).append(cid)
        for i, t in enumerate(terms):
            hits = [cid for n in t["phones"] for cid in by_phone.get(n, ())]
            found[i].update(hits)
            rows_seen[i] += len(hits)
    for i, seen in enumerate(rows_seen):
        if seen > cap * 4:
            found[i] = candidate_ids(people[i], cap=cap)
    return found


def _as_record(person) -> PersonRecord:
    if isinstance(person, PersonRecord):
        return person
    if isinstance(person, dict):
        return record_from_data(person)
    found = records_for_ids([person.pk])
    return found.get(person.pk) or PersonRecord(id=person.pk)


def _dismissed(citizen_id, other_ids) -> set[int]:
    """Records a reviewer has said are a different person from `citizen_id`."""
    from citizens.models import NotDuplicate

    if citizen_id is None:
        return set()
    rows = NotDuplicate.objects.filter(
        Q(citizen_a_id=citizen_id, citizen_b_id__in=other_ids)
        | Q(citizen_b_id=citizen_id, citizen_a_id__in=other_ids)
    ).values_list("citizen_a_id", "citizen_b_id")
    return {b if a == citizen_id else a for a, b in rows}


def match_candidates(*, person, exclude_ids=(), limit: int = 10, min_band: str = "possible"):
    """Existing active records that may be `person`, best first, each a scored `Match`.

    `person` is a stored Citizen, a dict of form/API values (as CitizenForm's cleaned_data)
    or a PersonRecord. Only matches in `min_band` or a higher band are returned; a stored
    citizen is never matched with itself nor with records a reviewer called different people.
    """
    record = _as_record(person)
    others = _blocked_records(record)
    for pk in {*exclude_ids, record.id, *_dismissed(record.id, set(others))}:
        others.pop(pk, None)
    if not others:
        return []
    params = parameters_current()
    limits = thresholds()
    floor = limits[min_band] if min_band else -math.inf
    records = {0: record} | others
    matches = [
        m
        for _a, _b, m in score_pairs(
            [(0, i) for i in others], records, floor=floor, params=params, limits=limits
        )
    ]
    matches.sort(key=lambda m: (-m.score, m.citizen_id))
    return matches[:limit]


def match_candidates_many(*, people, limit: int = 10, min_band: str = "possible"):
    """`match_candidates` for many people at once (imports): a list of match lists, in order.

    The same blocking, the same candidates and the same scores as checking each person on
    their own, in a fixed number of queries per batch: one per blocking key
    (`candidate_ids_many`), one for pairs ruled different, four to load every candidate.
    `people` are dicts of form values, PersonRecords or stored Citizens.
    """
    people = list(people)
    if not people:
        return []
    stored = [p.pk for p in people if not isinstance(p, (dict, PersonRecord))]
    loaded = records_for_ids(stored) if stored else {}
    records = []
    for p in people:
        if isinstance(p, (dict, PersonRecord)):
            records.append(_as_record(p))
        else:
            records.append(loaded.get(p.pk) or PersonRecord(id=p.pk))
    params = parameters_current()
    limits = thresholds()
    floor = limits[min_band] if min_band else -math.inf
    if connection.vendor == "postgresql" and floor > -math.inf:
        # Blocking as set operations, and only pairs whose score can reach the floor loaded.
        terms = [_blocking_terms(r) for r in records]
        blocked, capped = candidates_bounded(
            records, terms, limit=CANDIDATE_CAP * 4, floor=floor, params=params
        )
        for i in capped:
            blocked[i] = candidate_ids(records[i])
    else:
        blocked = candidate_ids_many(records)
    blocked = [ids - {r.id} for ids, r in zip(blocked, records, strict=True)]
    dismissed = _dismissed_many({r.id for r in records if r.id is not None})
    blocked = [ids - dismissed.get(r.id, set()) for ids, r in zip(blocked, records, strict=True)]
    others = records_for_ids(set().union(*blocked), active_only=True)
    out = []
    for record, ids in zip(records, blocked, strict=True):
        mine = {i: others[i] for i in sorted(ids) if i in others}
        matches = [
            m
            for _a, _b, m in score_pairs(
                [(0, i) for i in mine],
                {0: record} | mine,
                floor=floor,
                params=params,
                limits=limits,
            )
        ]
        matches.sort(key=lambda m: (-m.score, m.citizen_id))
        out.append(matches[:limit])
    return out


def _dismissed_many(citizen_ids) -> dict[int, set[int]]:
    """For each stored record, those a reviewer has said are a different person (one query)."""
    from citizens.models import NotDuplicate

    out: dict[int, set[int]] = {}
    if not citizen_ids:
        return out
    rows = NotDuplicate.objects.filter(
        Q(citizen_a_id__in=citizen_ids) | Q(citizen_b_id__in=citizen_ids)
    ).values_list("citizen_a_id", "citizen_b_id")
    for a, b in rows:
        out.setdefault(a, set()).add(b)
        out.setdefault(b, set()).add(a)
    return out


__all__ = [
    "BANDS",
    "Match",
    "band_for",
    "candidate_ids",
    "candidate_ids_many",
    "dob_variants",
    "match_candidates",
    "match_candidates_many",
    "score_pair",
    "thresholds",
]
