"""What may be published about open reports of places: the public "already reported?" page,
residents' forms and Open311 GET all read reports through here, never the model directly.

Published: the kind of report, its stage and status, when it was reported and last changed,
and an approximate place — the street and town from the gazetteer (never the house number or
the reporter's address), a postcode sector, and coordinates rounded to about 100 metres.
Never: descriptions, photos, notes, or anything about the reporter.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal

from django.db.models import Q

from places.selectors import street_names
from requests_tracking.finder import request_duplicate_candidates
from requests_tracking.models import Process, Request

# Three decimals of a degree: about 110 m of latitude and 70 m of longitude in the UK.
PUBLIC_COORDINATE_STEP = Decimal("0.001")


@dataclass(frozen=True)
class PublicReport:
    pk: int
    reference: str
    process_code: str
    process_name: str
    stage: str
    status: str  # open, waiting, on_hold, resolved, closed, cancelled
    status_label: str
    reported_at: datetime
    updated_at: datetime
    place: str  # "Friar Street, Reading" or "RG1 1" or ""
    postcode_sector: str
    latitude: Decimal | None
    longitude: Decimal | None
    distance_m: int | None = None

    @property
    def is_open(self) -> bool:
        return self.status in Request.LIVE_STATUSES


def _rounded(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(value).quantize(PUBLIC_COORDINATE_STEP, rounding=ROUND_HALF_EVEN)


def _sector(postcode: str) -> str:
    """'RG1 1AA' -> 'RG1 1': the sector covers a few thousand addresses."""
    return postcode[:-2] if len(postcode) >= 6 else ""


def public_reports(requests, *, distances=None) -> list[PublicReport]:
    """The publishable view of these requests (streets looked up in one query)."""
    requests = list(requests)
    streets = street_names(usrns={r.usrn for r in requests if r.usrn})
    distances = distances or {}
    reports = []
    for r in requests:
        sector = _sector(r.postcode)
        place = streets.get(r.usrn, "") or (f"near {sector}" if sector else "")
        distance = distances.get(r.pk)
        reports.append(
            PublicReport(
                pk=r.pk,
                reference=r.reference,
                process_code=r.process.code,
                process_name=r.process.name,
                stage=r.current_stage.name if r.current_stage_id else "",
                status=r.status,
                status_label=r.get_status_display(),
                reported_at=r.created_at,
                updated_at=r.updated_at,
                place=place,
                postcode_sector=sector,
                latitude=_rounded(r.latitude),
                longitude=_rounded(r.longitude),
                distance_m=None if distance is None else int(round(distance / 10) * 10),
            )
        )
    return reports


def public_reports_nearby(
    *,
    process: Process,
    uprn: str = "",
    usrn: str = "",
    latitude=None,
    longitude=None,
    postcode: str = "",
    description: str = "",
    limit: int = 10,
) -> list[PublicReport]:
    """Open reports of this kind (or a related one) near a place, as the public may see them.

    The same finder as staff use, so residents see what an agent would offer them; only
    processes about places are published.
    """
    if not process.place_based:
        return []
    candidates = request_duplicate_candidates(
        process=process,
        uprn=uprn,
        usrn=usrn,
        latitude=latitude,
        longitude=longitude,
        postcode=postcode,
        description=description,
        limit=limit,
    )
    return public_reports(
        [c.request for c in candidates],
        distances={c.request.pk: c.distance_m for c in candidates if c.distance_m is not None},
    )


def public_request_queryset():
    """Requests whose publishable view anyone may read: those of processes about places."""
    return Request.objects.filter(process__place_based=True).select_related(
        "process", "current_stage"
    )


def public_request_get(*, reference: str) -> Request | None:
    """An open, publishable request by its reference (for "follow for updates")."""
    return (
        public_request_queryset()
        .filter(Q(reference=(reference or "").strip().upper()), status__in=Request.LIVE_STATUSES)
        .first()
    )
