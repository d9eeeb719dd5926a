"""The outbox's part of a subject access export: the messages sent to the citizen."""

from audit.subject_access.registry import Exporter, Section, record, register
from notifications.models import Message


def export_notifications(citizen) -> Section:
    messages = Message.objects.filter(citizen=citizen).order_by("created_at")
    return Section(
        title="Messages sent",
        tables={
            "Emails and text messages": [record(m, exclude={"idempotency_key"}) for m in messages]
        },
    )


register(
    Exporter(
        app_label="notifications",
        title="Messages sent",
        models=("notifications.message",),
        export=export_notifications,
        order=40,
    )
)
