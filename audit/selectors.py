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
