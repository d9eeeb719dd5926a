"""The audit trail as CSV, through the project's one CSV writer (`core.csv_export`: streamed,
formula-looking text cells neutralised)."""

from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone

from audit.describe import detail_words
from core.csv_export import csv_response

HEADER = [
    "When",
    "Who",
    "What they did",
    "Citizen",
    "Record type",
    "Record",
    "Details",
    "Contact",
    "IP address",
]


def audit_event_row(event) -> list:
    when = timezone.localtime(event.occurred_at).strftime("%d/%m/%Y %H:%M:%S")
    actor = event.actor
    if actor is not None:
        who = actor.get_full_name() or actor.get_username()
    else:
        who = event.actor_display
    return [
        when,
        who,
        event.get_action_display(),
        event.citizen.reference if event.citizen_id else "",
        event.object_type,
        event.object_repr,
        detail_words(event.detail),
        event.contact_id if event.contact_id is not None else "",
        event.ip_address or "",
    ]


def audit_csv_rows(events: Iterable) -> Iterator[list]:
    yield HEADER
    for event in events:
        yield audit_event_row(event)


def audit_csv_response(queryset, *, filename: str) -> StreamingHttpResponse:
    """Stream the rows (in chunks from the database, so a long trail never sits in memory)."""
    response = csv_response(
        rows=audit_csv_rows(queryset.iterator(chunk_size=2000)), filename=filename
    )
    response["Cache-Control"] = "no-store"
    return response
