from audit.filters import AuditEventFilter
from audit.models import AuditEvent


def audit_event_list(*, filters: dict):
    """The audit trail, newest first, filtered; returns the FilterSet (form + queryset)."""
    queryset = AuditEvent.objects.select_related("actor", "citizen").order_by(
        "-occurred_at", "-id"
    )
    return AuditEventFilter(filters, queryset=queryset)
