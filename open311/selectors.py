"""Reads for the Open311 endpoints: the services offered and requests as the public may see
them (through `requests_tracking.publishing`, never a description, photo or reporter)."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from open311.models import Open311Service, Open311Submission
from requests_tracking.models import Process, Request
from requests_tracking.publishing import public_reports, public_request_queryset

DEFAULT_DAYS = 90
MAX_REQUESTS = 1000


def services_offered() -> list[tuple[Open311Service, Process]]:
    """Active services whose process has a current, active version about places."""
    services = list(Open311Service.objects.filter(active=True).prefetch_related("attributes"))
    processes = {
        p.code: p
        for p in Process.objects.filter(
            code__in=[s.process_code for s in services],
            is_current=True,
            active=True,
            place_based=True,
        )
    }
    return [(s, processes[s.process_code]) for s in services if s.process_code in processes]


def service_get(*, service_code: str) -> tuple[Open311Service, Process] | None:
    for service, process in services_offered():
        if service.service_code == service_code:
            return service, process
    return None


def service_codes_by_process() -> dict[str, str]:
    return dict(Open311Service.objects.values_list("process_code", "service_code"))


def open311_requests(
    *,
    references=None,
    process_codes=None,
    start=None,
    end=None,
    status: str | None = None,
    now=None,
):
    """Publishable requests, newest first: the last 90 days unless dates or ids are given,
    at most 1,000."""
    now = now or timezone.now()
    qs = public_request_queryset()
    if references:
        qs = qs.filter(reference__in=references)
    if process_codes is not None:
        qs = qs.filter(process__code__in=process_codes)
    if start is None and end is None and not references:
        start = now - timedelta(days=DEFAULT_DAYS)
    if start is not None:
        qs = qs.filter(created_at__gte=start)
    if end is not None:
        qs = qs.filter(created_at__lte=end)
    if status == "open":
        qs = qs.filter(status__in=Request.LIVE_STATUSES)
    elif status == "closed":
        qs = qs.exclude(status__in=Request.LIVE_STATUSES)
    return list(qs.order_by("-created_at", "-id")[:MAX_REQUESTS])


def request_fields(requests) -> list[dict]:
    """GeoReport v2 service request fields, as the spec names them, for publishable requests."""
    requests = list(requests)
    codes = service_codes_by_process()
    by_pk = {r.pk: r for r in requests}
    duplicates = dict(
        Request.objects.filter(pk__in=list(by_pk), duplicate_of__isnull=False).values_list(
            "pk", "duplicate_of__reference"
        )
    )
    rows = []
    for report in public_reports(requests):
        r = by_pk[report.pk]
        notes = report.stage if report.is_open else report.status_label
        if r.pk in duplicates:
            notes = f"Duplicate of {duplicates[r.pk]}"
        rows.append(
            {
                "service_request_id": report.reference,
                "status": "open" if report.is_open else "closed",
                "status_notes": notes,
                "service_name": r.process.name,
                "service_code": codes.get(r.process.code, r.process.code),
                "description": None,
                "agency_responsible": settings.COUNCIL_NAME,
                "service_notice": None,
                "requested_datetime": _w3c(report.reported_at),
                "updated_datetime": _w3c(report.updated_at),
                "expected_datetime": _w3c(r.estimated_completion_at) if report.is_open else None,
                "address": report.place or None,
                "address_id": None,
                "zipcode": report.postcode_sector or None,
                "lat": None if report.latitude is None else str(report.latitude),
                "long": None if report.longitude is None else str(report.longitude),
                "media_url": None,
            }
        )
    return rows


def _w3c(moment) -> str | None:
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def submission_by_token(*, token: str) -> Open311Submission | None:
    return (
        Open311Submission.objects.select_related("service_request").filter(Q(token=token)).first()
    )
