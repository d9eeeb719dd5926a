"""The home page: what needs this member of staff's attention, from each app's selectors."""

from audit.selectors import audit_recent_citizen_ids
from citizens.models import Citizen
from contacts.selectors import contacts_needing_review
from requests_tracking.selectors import request_workload


def recent_citizens(*, staff, limit: int = 8) -> list[Citizen]:
    """The citizens' records this member of staff opened most recently, newest first."""
    ids = audit_recent_citizen_ids(staff=staff, limit=limit)
    by_id = Citizen.objects.in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


def home_summary(*, staff) -> dict:
    summary = {"recent_citizens": [], "to_complete": 0, "workload": None}
    if staff.has_perm("citizens.view_citizen"):
        summary["recent_citizens"] = recent_citizens(staff=staff)
    if staff.has_perm("contacts.add_contact"):
        summary["to_complete"] = contacts_needing_review(staff=staff).count()
    if staff.has_perm("requests_tracking.view_request"):
        summary["workload"] = request_workload(staff=staff)
    return summary
