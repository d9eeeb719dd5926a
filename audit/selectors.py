from audit.filters import AuditEventFilter
from audit.models import AuditEvent, SubjectAccessRequest


def audit_event_list(*, filters: dict):
    """The audit trail, newest first, filtered; returns the FilterSet (form + queryset)."""
    queryset = AuditEvent.objects.select_related("actor", "citizen").order_by(
        "-occurred_at", "-id"
    )
    return AuditEventFilter(filters, queryset=queryset)


def subject_access_request_list(*, open_only: bool = True):
    queryset = SubjectAccessRequest.objects.select_related("citizen", "logged_by").order_by(
        "due_on", "id"
    )
    if open_only:
        queryset = queryset.exclude(status=SubjectAccessRequest.Status.CLOSED)
    return queryset


def audit_recent_citizen_ids(*, staff, limit: int = 8) -> list[int]:
    """Ids of the citizens' records this member of staff opened most recently, newest first."""
    seen: list[int] = []
    recent = (
        AuditEvent.objects.filter(
            actor=staff, action=AuditEvent.Action.VIEW, citizen__isnull=False
        )
        .order_by("-occurred_at", "-id")
        .values_list("citizen_id", flat=True)[:200]
    )
    for citizen_id in recent:
        if citizen_id not in seen:
            seen.append(citizen_id)
        if len(seen) == limit:
            break
    return seen
