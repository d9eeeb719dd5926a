"""Linking a resident's public draft or submission to a citizen record, with the one person
matcher (`citizens.matching`, docs/matching.md).

A draft or submission is linked only when the details the resident gave — a name with an email
address or mobile number — put exactly one active citizen in the matcher's "certain" band.
Anything less certain (nobody, two people, only "probable") is left for staff to link by hand.
"""

from citizens.matching import match_candidates
from citizens.models import Citizen


def citizen_for_applicant(*, first_name: str, last_name: str, email: str = "", mobile: str = ""):
    """The one citizen these details certainly belong to, or None."""
    if not (first_name and last_name) or not (email or mobile):
        return None
    person = {
        "first_name": first_name,
        "last_name": last_name,
        "email": email or "",
        "phone": mobile or "",
    }
    certain = match_candidates(person=person, min_band="certain", limit=2)
    if len(certain) != 1:
        return None
    return Citizen.objects.filter(pk=certain[0].citizen_id).first()
