"""The one CSV writer every export uses: streamed, and safe to open in a spreadsheet.

A text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return would be run as a
formula by Excel, LibreOffice or Google Sheets (CSV injection), so it gets a leading `'`.
Numbers are never touched: an int, float or Decimal is written as it is, and so is text that is
just a number (`-12.50`), so a negative amount stays a number in the spreadsheet.
`tests/core/test_csv_export.py` fails when a module writes CSV without it.
"""

import csv
import re
from collections.abc import Iterable
from decimal import Decimal

from django.http import StreamingHttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER_RE = re.compile(r"^-?\d+(\.\d+)?$")


def csv_cell(value):
    """One cell as it should be written: numbers as numbers, risky text neutralised."""
    if value is None:
        return ""
    if isinstance(value, (bool, int, float, Decimal)):
        return value
    text = str(value)
    if text.startswith(FORMULA_START) and not NUMBER_RE.match(text):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write() hands back the line, for streaming."""

    def write(self, value):
        return value


def csv_lines(rows: Iterable[Iterable]) -> Iterable[str]:
    """Each row (header first) as one CSV line, cells made safe."""
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow([csv_cell(cell) for cell in row])


def csv_response(*, rows: Iterable[Iterable], filename: str) -> StreamingHttpResponse:
    """A streamed CSV download of `rows` (an iterable or generator, header row first)."""
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
