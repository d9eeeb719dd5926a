"""A form's submissions as CSV: one column per field of the chosen version, streamed.

SEAM until the architecture issue's (#10) single CSV writer lands: `_safe` neutralises text
cells a spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage return)
by prefixing an apostrophe; numbers are left alone. Switch to the shared writer when it lands.
"""

import csv
import re

from django.http import StreamingHttpResponse
from django.utils import timezone

from forms_engine.definition import definition_for
from forms_engine.models import SubmissionFile

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER_RE = re.compile(r"^-?\d+(\.\d+)?$")
FIXED_COLUMNS = [
    "Reference",
    "Status",
    "Version",
    "Started",
    "Submitted",
    "Filled in by",
    "Citizen reference",
    "Request reference",
]


def _safe(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START) and not NUMBER_RE.match(text):
        return "'" + text
    return text


class _Echo:
    def write(self, value):
        return value


def _when(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def submissions_csv_rows(*, form, version, queryset):
    definition = definition_for(version) if version else None
    fields = definition.answer_fields() if definition else []
    yield FIXED_COLUMNS + [f"{fd.label} [{fd.key}]" for fd in fields]
    rows = queryset.defer(None).select_related("citizen", "request", "version").order_by("pk")
    last = 0
    while True:
        chunk = list(rows.filter(pk__gt=last)[:1000])
        if not chunk:
            break
        files = {
            f.pk: f.original_name
            for f in SubmissionFile.objects.filter(submission__in=chunk).only(
                "pk", "original_name"
            )
        }
        ctx = {"file_names": files}
        for s in chunk:
            row = [
                s.reference or "",
                s.get_status_display(),
                s.version.number,
                _when(s.started_at),
                _when(s.submitted_at),
                s.get_via_display(),
                s.citizen.reference if s.citizen_id else "",
                s.request.reference if s.request_id else "",
            ]
            for fd in fields:
                value = s.answers.get(fd.key)
                row.append(
                    fd.type.csv_value(fd, value, ctx) if value not in (None, "", [], {}) else ""
                )
            yield row
        last = chunk[-1].pk


def submissions_csv_response(*, form, version, queryset):
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (
            writer.writerow([_safe(cell) for cell in row])
            for row in submissions_csv_rows(form=form, version=version, queryset=queryset)
        ),
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    suffix = f"-v{version.number}" if version else ""
    response["Content-Disposition"] = (
        f'attachment; filename="{form.slug}{suffix}-submissions-{stamp}.csv"'
    )
    return response
