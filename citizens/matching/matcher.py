"""Scoring pairs and finding the records one person may already have."""

import math
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import connection
from django.db.models import F, Q
from django.db.models.functions import Collate, Lower

from citizens.matching import explain
from citizens.matching.compare import compare
from citizens.matching.parameters import Parameters, parameters_current
from citizens.matching.records import PersonRecord, record_from_data, records_for_ids

BANDS = ("certain", "probable", "possible")
BAND_LABELS = {
    "certain": "Almost certainly the same person",
    "probable": "Probably the same person",
    "possible": "Possibly the same person",
}
# At most this many records are scored per check (each blocking rule is capped too).
CANDIDATE_CAP = 500


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
    """Yield (a_id, b_id, Match) for pairs scoring at least `floor`; only those are explained."""
    params = params or parameters_current()
    limits = limits or thresholds()
    for a_id, b_id in pairs:
        weighed = _weigh(records[a_id], records[b_id], params)
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
        return set()
    query = branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]
    return {pk for (pk,) in query[: cap * 4]}


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
    ids = candidate_ids(record) - set(exclude_ids) - {record.id}
    if not ids:
        return []
    ids -= _dismissed(record.id, ids)
    params = parameters_current()
    limits = thresholds()
    floor = limits[min_band] if min_band else -math.inf
    others = records_for_ids(ids, active_only=True)
    records = {0: record} | others
    matches = [
        m
        for _a, _b, m in score_pairs(
            [(0, i) for i in others], records, floor=floor, params=params, limits=limits
        )
    ]
    matches.sort(key=lambda m: (-m.score, m.citizen_id))
    return matches[:limit]


__all__ = [
    "BANDS",
    "Match",
    "band_for",
    "candidate_ids",
    "dob_variants",
    "match_candidates",
    "score_pair",
    "thresholds",
]
