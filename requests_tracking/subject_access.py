"""The requests app's part of a subject access export (with the evidence files)."""

from django.core.files.storage import default_storage

from audit.subject_access.registry import Exporter, Section, record, register
from core.uploads import download_name
from requests_tracking.models import Request, RequestNote


def export_requests(citizen) -> Section:
    requests = (
        Request.objects.filter(citizen=citizen)
        .select_related("process", "current_stage", "service_area", "team", "channel")
        .prefetch_related("evidence", "visits")
        .order_by("created_at")
    )
    followed = Request.objects.filter(followers=citizen).exclude(citizen=citizen)
    section = Section(title="Requests")
    section.tables["Requests"] = [record(r, exclude={"postcode_compact"}) for r in requests]
    section.tables["Requests followed"] = [
        {"id": r.pk, "reference": r.reference, "description": r.description} for r in followed
    ]
    section.tables["Request notes (visible to the citizen and internal)"] = [
        record(n)
        for n in RequestNote.objects.filter(request__citizen=citizen).order_by("created_at")
    ]
    evidence_rows = []
    for request in requests:
        for item in request.evidence.all():
            name = download_name(original_name=item.original_name, stored_name=item.stored_name)
            path = f"{request.reference}/{item.pk}-{name}"
            evidence_rows.append(record(item, extra={"file_in_bundle": f"files/{path}"}))

            def read(name=item.file.name):
                with default_storage.open(name, "rb") as handle:
                    return handle.read()

            section.files.append((path, read))
    section.tables["Evidence and uploaded files"] = evidence_rows
    section.tables["Stage history"] = [record(v) for r in requests for v in r.visits.all()]
    return section


register(
    Exporter(
        app_label="requests_tracking",
        title="Requests",
        models=("requests_tracking.request",),
        export=export_requests,
        order=30,
    )
)
