"""Streaming CSV for report downloads.

One small function so the shared `core.csv_export` writer (being written on another branch,
same neutralising rule) can replace it on merge: text cells starting with = + - @ tab or
carriage return are prefixed with a single quote, so a spreadsheet never runs them as formulas.
"""

import csv

from django.http import StreamingHttpResponse

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(DANGEROUS_FIRST):
        return "'" + text
    return text


class _Echo:
    def write(self, value):
        return value


def csv_response(rows, *, filename: str) -> StreamingHttpResponse:
    """Stream `rows` (any iterable of lists, read lazily) as a CSV attachment."""
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow([neutralise(cell) for cell in row]) for row in rows),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
