"""Person matching: one matcher for the create form, the API, imports and the register review.

Public API (everything else in this package is internal):

    match_candidates(*, person, exclude_ids=(), limit=10, min_band="possible") -> list[Match]
        Records that may already be `person` (a Citizen, a dict of CitizenForm values, or a
        PersonRecord), best first. Each Match has `citizen_id`, `score` (match weight: log2 of
        the odds that the two records are one person, prior included), `probability`, `band`
        ("certain", "probable", "possible"), `summary` and `reasons_for` / `reasons_against`
        in plain words. "probable" and above block creation until a person decides.
    match_candidates_many(*, people, limit=10, min_band="possible") -> list[list[Match]]
        The same for many people at once (imports), in a fixed number of queries per batch.
    score_pair(a, b) -> Match          two PersonRecords, scored and explained
    record_from_data(data) -> PersonRecord    form/API/import values as a comparable record
    records_for_ids(ids) -> {id: PersonRecord}  stored citizens, in four queries
    band_for(score) -> str, thresholds() -> {band: score}   the bands set in settings

Thresholds: settings MATCH_CERTAIN_SCORE, MATCH_PROBABLE_SCORE, MATCH_POSSIBLE_SCORE.
How it works and how well: docs/matching.md and docs/performance.md.
"""

from citizens.matching.matcher import (
    BAND_LABELS,
    BANDS,
    Match,
    band_for,
    match_candidates,
    match_candidates_many,
    score_pair,
    thresholds,
)
from citizens.matching.records import PersonRecord, record_from_data, records_for_ids

__all__ = [
    "BANDS",
    "BAND_LABELS",
    "Match",
    "PersonRecord",
    "band_for",
    "match_candidates",
    "match_candidates_many",
    "record_from_data",
    "records_for_ids",
    "score_pair",
    "thresholds",
]
