"""The person matcher (`citizens.matching`) as the import and the service-account sync use it.

Rows and API bodies carry text; the matcher compares typed values, so dates are parsed here with
the same formats the citizen form accepts. Only "probable" and "certain" candidates count: a
"possible" one alone does not send a row to review (it would flood the review with strangers).
"""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError

from citizens.matching import match_candidates, match_candidates_many


@dataclass(frozen=True)
class Candidate:
    citizen_id: int
    band: str
    summary: str


def _date(value):
    try:
        return forms.DateField().to_python(value) if value else None
    except ValidationError:
        return None


def person_matches(values: dict) -> list[Candidate]:
    person = {**values, "date_of_birth": _date(values.get("date_of_birth", ""))}
    return [
        Candidate(m.citizen_id, m.band, m.summary)
        for m in match_candidates(person=person, min_band="probable")
    ]


def person_matches_many(rows: list[dict]) -> list[list[Candidate]]:
    """`person_matches` for a batch of rows (imports): one blocking query per key per batch."""
    people = [
        {**values, "date_of_birth": _date(values.get("date_of_birth", ""))} for values in rows
    ]
    return [
        [Candidate(m.citizen_id, m.band, m.summary) for m in matches]
        for matches in match_candidates_many(people=people, min_band="probable")
    ]
