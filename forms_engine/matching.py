"""Linking a resident's public draft or submission to a citizen record.

SEAM until the person matcher (#15) lands: a citizen is linked only when the email address or
mobile number the resident gave belongs to exactly one active citizen whose first and last names
are those given (case and accents aside). Anything less certain is left for staff to link by
hand. Replace `citizen_for_applicant` with the matcher's "certain" band when it lands.
"""

from citizens.models import Citizen
from citizens.normalise import name_normalise


def citizen_for_applicant(*, first_name: str, last_name: str, email: str = "", mobile: str = ""):
    """The one citizen these details certainly belong to, or None."""
    if not (first_name and last_name) or not (email or mobile):
        return None
    candidates = Citizen.objects.filter(status=Citizen.Status.ACTIVE)
    ids = set()
    if email:
        ids |= set(
            candidates.filter(emails__email__iexact=email.strip()).values_list("pk", flat=True)
        )
    if mobile:
        ids |= set(candidates.filter(phones__number=mobile).values_list("pk", flat=True))
    if not ids:
        return None
    first, last = name_normalise(first_name), name_normalise(last_name)
    matches = [
        c
        for c in Citizen.objects.filter(pk__in=ids)
        if name_normalise(c.last_name) == last
        and first in {name_normalise(c.first_name), name_normalise(c.preferred_name or "")}
    ]
    return matches[0] if len(matches) == 1 else None
