"""The audit trail's own part of a subject access export."""

from audit.models import AuditEvent, SubjectAccessRequest
from audit.subject_access.registry import Exporter, Section, record, register


def export_audit(citizen) -> Section:
    events = AuditEvent.objects.about_citizen(citizen).select_related("actor")
    return Section(
        title="Who looked at or changed the record",
        tables={
            "Audit trail": [
                {
                    "id": e.pk,
                    "when": e.occurred_at.isoformat(),
                    "who": str(e.actor) if e.actor_id else "System",
                    "what": e.get_action_display(),
                    "record": e.object_repr,
                    "detail": e.detail,
                }
                for e in events.order_by("occurred_at", "id")
            ],
            "Subject access requests": [
                record(s, exclude={"export_count"})
                for s in SubjectAccessRequest.objects.filter(citizen=citizen)
            ],
        },
    )


register(
    Exporter(
        app_label="audit",
        title="Who looked at or changed the record",
        models=("audit.auditevent", "audit.subjectaccessrequest"),
        export=export_audit,
        order=90,
    )
)
