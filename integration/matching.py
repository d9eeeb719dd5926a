"""The person matcher as the import and the service-account sync use it (a seam).

Until the person-matching issue's matcher (`citizens.matching`) lands, candidates come from
`citizens.selectors.duplicate_candidates` (same email or phone, or a similar name with the same
date of birth or address) and are never in the "certain" band, so nothing is linked
automatically by the matcher alone.
"""

from dataclasses import dataclass

from django.utils.dateparse import parse_date

from citizens.normalise import phone_normalise, postcode_normalise
from citizens.selectors import duplicate_candidates


@dataclass(frozen=True)
class Candidate:
    citizen_id: int
    band: str
    summary: str


def _date(value):
    if not value:
        return None
    try:
        return parse_date(value)
    except ValueError:
        return None


def person_matches(values: dict) -> list[Candidate]:
    def clean(fn, value):
        try:
            return fn(value) if value else ""
        except ValueError:
            return ""

    found = duplicate_candidates(
        first_name=values.get("first_name", ""),
        last_name=values.get("last_name", ""),
        date_of_birth=_date(values.get("date_of_birth", "")),
        email=values.get("email", ""),
        phone=clean(phone_normalise, values.get("phone", "")),
        postcode=clean(postcode_normalise, values.get("postcode", "")),
        line_1=values.get("address_line_1", ""),
    )
    return [Candidate(c.pk, "probable", "; ".join(getattr(c, "match_reasons", []))) for c in found]
