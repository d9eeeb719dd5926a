"""The timeline's part of a subject access export."""

from audit.subject_access.registry import Exporter, Section, register
from timeline.models import Entry


def export_timeline(citizen) -> Section:
    entries = Entry.objects.filter(citizen=citizen).select_related("actor", "service_area")
    return Section(
        title="Activity timeline",
        tables={
            "Timeline": [
                {
                    "id": e.pk,
                    "occurred_at": e.occurred_at.isoformat(),
                    "kind": e.get_kind_display(),
                    "summary": e.summary,
                    "by": e.actor_display,
                    "service_area": str(e.service_area) if e.service_area_id else None,
                    "detail": e.detail,
                }
                for e in entries.order_by("occurred_at", "id")
            ]
        },
    )


register(
    Exporter(
        app_label="timeline",
        title="Activity timeline",
        models=("timeline.entry",),
        export=export_timeline,
        order=50,
    )
)
