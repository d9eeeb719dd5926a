"""The home page: what needs this member of staff's attention, from each app's selectors."""


def home_summary(*, staff) -> dict:
    from audit.selectors import audit_recent_citizens
    from contacts.selectors import contacts_needing_review
    from requests_tracking.selectors import request_workload

    summary = {"recent_citizens": [], "to_complete": 0, "workload": None}
    if staff.has_perm("citizens.view_citizen"):
        summary["recent_citizens"] = audit_recent_citizens(staff=staff)
    if staff.has_perm("contacts.add_contact"):
        summary["to_complete"] = contacts_needing_review(staff=staff).count()
    if staff.has_perm("requests_tracking.view_request"):
        summary["workload"] = request_workload(staff=staff)
    return summary
