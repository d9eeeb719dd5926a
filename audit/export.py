"""The audit trail as CSV.

A small writer with Python's csv module until the shared CSV writer (`core/csv_export.py`)
lands; `_neutralise` keeps spreadsheet programs from running a cell as a formula.
"""

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone

from audit.describe import detail_words

HEADER = [
    "When",
    "Member of staff",
    "What they did",
    "Citizen",
    "Record type",
    "Record",
    "Details",
    "Contact",
    "IP address",
]
# A cell starting with one of these is read as a formula by Excel, LibreOffice or Sheets.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _neutralise(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


class _Echo:
    def write(self, value):
        return value


def audit_event_row(event) -> list[str]:
    when = timezone.localtime(event.occurred_at).strftime("%d/%m/%Y %H:%M:%S")
    actor = event.actor
    who = (actor.get_full_name() or actor.get_username()) if actor else "System"
    return [
        _neutralise(cell)
        for cell in (
            when,
            who,
            event.get_action_display(),
            event.citizen.reference if event.citizen_id else "",
            event.object_type,
            event.object_repr,
            detail_words(event.detail),
            event.contact_id if event.contact_id is not None else "",
            event.ip_address or "",
        )
    ]


def audit_csv_rows(events: Iterable) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(HEADER)
    for event in events:
        yield writer.writerow(audit_event_row(event))


def audit_csv_response(queryset, *, filename: str) -> StreamingHttpResponse:
    """Stream the rows (in chunks from the database, so a long trail never sits in memory)."""
    response = StreamingHttpResponse(
        audit_csv_rows(queryset.iterator(chunk_size=2000)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
