"""A form's submissions as CSV: one column per field of the chosen version, streamed
through the project's one CSV writer (`core.csv_export`, which neutralises formula cells)."""

from django.utils import timezone

from core.csv_export import csv_response
from forms_engine.definition import definition_for
from forms_engine.models import SubmissionFile

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
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    suffix = f"-v{version.number}" if version else ""
    return csv_response(
        rows=submissions_csv_rows(form=form, version=version, queryset=queryset),
        filename=f"{form.slug}{suffix}-submissions-{stamp}.csv",
    )
