"""Keeping the report summaries current: contacts (`ContactDay`, `ContactHour`, `StaffDay`,
`HandlingBand`, `PartnerDay`) and requests (`RequestDay`, `StageBand`,
`StaffStageDay`).

- `summaries_refresh()` (Celery beat every 5 minutes, and inline from a report page whose
  summaries are older than that) finds the days of every contact saved since the last refresh
  (`Contact.updated_at`, which every contact service sets: starts, ends, edits, late ends,
  back-dated API records, the auto-close job) and recounts those days, plus the 7 days after
  each (a contact can make a later one a repeat); and the days of every request saved since
  (`Request.updated_at`, set by every transition): the day it was raised, resolved and each
  of its stage stays ended. It looks back `OVERLAP` before the last
  refresh, so a transaction that saved a contact before the refresh began but committed after
  it is still picked up.
- `summaries_recount()` (nightly) compares each day's totals in every summary with the raw
  contacts, partners, requests and stage stays, logs any difference and rebuilds the days that
  differ (deleted rows, bulk SQL loads, a request reopened: its old resolved day).
- A day is rebuilt whole, inside one transaction: readers see the old or the new figures.
"""

import logging
from datetime import UTC, date, datetime, timedelta

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, ExtractHour, Greatest, Round, TruncDate
from django.utils import timezone

from accounts.models import Staff
from contacts.models import Contact, Outcome
from core.filters import day_start
from reports.models import (
    ContactDay,
    ContactHour,
    HandlingBand,
    PartnerDay,
    RequestDay,
    StaffDay,
    StaffStageDay,
    StageBand,
    SummaryState,
)
from requests_tracking.models import Request, Stage, StageVisit

logger = logging.getLogger(__name__)

MAX_AGE = timedelta(minutes=5)


def fresh_cache_key() -> str:
    """Per database: two sites (or a test run) sharing one Redis must not share freshness."""
    return f"reports:summaries-refreshed-at:{connection.settings_dict['NAME']}"


OVERLAP = timedelta(minutes=10)
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # before any data: "left_at is set", as a range
REPEAT_WINDOW = timedelta(days=7)
CHUNK_DAYS = 31

DIMENSIONS = (
    "channel_id",
    "service_area_id",
    "contact_type_id",
    "location_id",
    "r_team",
    "avoidable_reason_id",
)
HOUR_DIMENSIONS = ("channel_id", "service_area_id", "location_id", "r_team")
HANDLING_DIMENSIONS = (
    "channel_id",
    "service_area_id",
    "contact_type_id",
    "location_id",
    "r_team",
)
CONTACT_SUMMARIES = (ContactDay, ContactHour, StaffDay, HandlingBand, PartnerDay)
REQUEST_SUMMARIES = (RequestDay, StageBand, StaffStageDay)


# Histogram bands: (below this many seconds, round to this many); beyond the last, one band.
HANDLING_BANDS = ((3600, 60), (4 * 3600, 300))
WORKING_DAY = 8 * 3600
STAGE_BANDS = ((20 * WORKING_DAY, WORKING_DAY // 10), (100 * WORKING_DAY, WORKING_DAY))


class WholeSeconds(Func):
    """Seconds from the second moment to the first, rounded to a whole second."""

    arg_joiner = " - "
    template = "CAST(ROUND(EXTRACT(EPOCH FROM (%(expressions)s))) AS integer)"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(ROUND((julianday(%(expressions)s)) * 86400) AS integer)",
            arg_joiner=") - julianday(",
            **extra,
        )


def band_of(seconds, bands):
    """(seconds, band): the seconds clamped at 0, to annotate as `r_secs`, and the band they
    fall in (its middle, in seconds), read from `r_secs`: rounded to the nearest step of each
    band, everything past the last band counted as its end."""
    seconds = Greatest(seconds, Value(0))
    whens = [
        When(
            Q(r_secs__lt=limit - step // 2),
            then=ExpressionWrapper(
                (F("r_secs") + step // 2) / step * step, output_field=IntegerField()
            ),
        )
        for limit, step in bands
    ]
    return seconds, Case(*whens, default=Value(bands[-1][0]), output_field=IntegerField())


def band_percentile(counts: dict, fraction: float):
    """percentile_cont over values counted in bands (each value taken as its band's middle)."""
    n = sum(counts.values())
    if not n:
        return None
    position = fraction * (n - 1)
    low = int(position)
    ranks = (low, min(low + 1, n - 1))
    values, seen = [], 0
    for band in sorted(counts):
        seen += counts[band]
        while len(values) < 2 and ranks[len(values)] < seen:
            values.append(band)
    return values[0] + (values[1] - values[0]) * (position - low)


def _seconds(value) -> int:
    return int(value.total_seconds()) if value else 0


def _team(agent="agent_id"):
    """The agent's first team (lowest id): the team a contact counts for."""
    return Subquery(
        Staff.teams.through.objects.filter(staff_id=OuterRef(agent))
        .order_by("team_id")
        .values("team_id")[:1]
    )


def _annotated(first: date, last: date):
    """Contacts started from `first` to `last` (whole local days) with report annotations."""
    earlier = Contact.objects.filter(
        citizen_id=OuterRef("citizen_id"),
        service_area_id=OuterRef("service_area_id"),
        started_at__lt=OuterRef("started_at"),
        started_at__gte=ExpressionWrapper(
            OuterRef("started_at") - REPEAT_WINDOW, output_field=DateTimeField()
        ),
    )
    return Contact.objects.filter(
        started_at__gte=day_start(first), started_at__lt=day_start(last + timedelta(days=1))
    ).annotate(
        r_day=TruncDate("started_at"),
        r_team=_team(),
        r_repeat=Exists(earlier),
    )


def _information_outcome_id():
    return Outcome.objects.filter(code="information_sent").values_list("pk", flat=True).first()


def _measures(information_id):
    known_person = Q(citizen_id__isnull=False, service_area_id__isnull=False)
    return {
        "m_total": Count("id"),
        "m_anonymous": Count("id", filter=Q(citizen_id__isnull=True)),
        "m_avoidable": Count("id", filter=Q(avoidable=True)),
        "m_avoidable_known": Count("id", filter=Q(avoidable__isnull=False)),
        "m_resolved": Count("id", filter=Q(resolved_at_first_contact=True)),
        "m_resolved_known": Count("id", filter=Q(resolved_at_first_contact__isnull=False)),
        "m_information_sent": Count("id", filter=Q(outcome_id=information_id)),
        "m_repeat": Count("id", filter=known_person & Q(r_repeat=True)),
        "m_repeat_known": Count("id", filter=known_person),
        "m_ended": Count("id", filter=Q(ended_at__isnull=False)),
        "m_handling": Sum(F("ended_at") - F("started_at")),
    }


def _combination(v, prefix=""):
    """The ContactCombination fields of one grouped row (`prefix`: the contact's path)."""
    return {
        "day": v["r_day"],
        "channel_id": v[f"{prefix}channel_id"],
        "service_area_id": v[f"{prefix}service_area_id"],
        "contact_type_id": v[f"{prefix}contact_type_id"],
        "location_id": v[f"{prefix}location_id"],
        "team_id": v["r_team"],
    }


def _day_rows(first: date, last: date, information_id):
    queryset = _annotated(first, last)
    contact_days, hours, staff = [], [], []
    for v in (
        queryset.values("r_day", *DIMENSIONS).annotate(**_measures(information_id)).order_by()
    ):
        contact_days.append(
            ContactDay(
                **_combination(v),
                avoidable_reason_id=v["avoidable_reason_id"],
                total=v["m_total"],
                anonymous=v["m_anonymous"],
                avoidable=v["m_avoidable"],
                avoidable_known=v["m_avoidable_known"],
                resolved=v["m_resolved"],
                resolved_known=v["m_resolved_known"],
                information_sent=v["m_information_sent"],
                repeat=v["m_repeat"],
                repeat_known=v["m_repeat_known"],
                ended=v["m_ended"],
                handling_seconds=_seconds(v["m_handling"]),
            )
        )
    plain = Contact.objects.filter(
        started_at__gte=day_start(first), started_at__lt=day_start(last + timedelta(days=1))
    ).annotate(
        r_day=TruncDate("started_at"),
        r_hour=ExtractHour("started_at"),
        r_team=_team(),
    )
    for v in plain.values("r_day", "r_hour", *HOUR_DIMENSIONS).annotate(n=Count("id")).order_by():
        hours.append(
            ContactHour(
                day=v["r_day"],
                hour=v["r_hour"],
                channel_id=v["channel_id"],
                service_area_id=v["service_area_id"],
                location_id=v["location_id"],
                team_id=v["r_team"],
                total=v["n"],
            )
        )
    per_agent = plain.values("r_day", "agent_id").annotate(
        m_total=Count("id"),
        m_resolved=Count("id", filter=Q(resolved_at_first_contact=True)),
        m_resolved_known=Count("id", filter=Q(resolved_at_first_contact__isnull=False)),
        m_ended=Count("id", filter=Q(ended_at__isnull=False)),
        m_handling=Sum(F("ended_at") - F("started_at")),
    )
    for v in per_agent.order_by():
        staff.append(
            StaffDay(
                day=v["r_day"],
                agent_id=v["agent_id"],
                total=v["m_total"],
                resolved=v["m_resolved"],
                resolved_known=v["m_resolved_known"],
                ended=v["m_ended"],
                handling_seconds=_seconds(v["m_handling"]),
            )
        )
    handling = []
    secs, band = band_of(WholeSeconds(F("ended_at"), F("started_at")), HANDLING_BANDS)
    banded = (
        plain.filter(ended_at__isnull=False)
        .annotate(r_secs=secs)
        .annotate(r_band=band)
        .values("r_day", *HANDLING_DIMENSIONS, "r_band")
        .annotate(n=Count("id"))
        .order_by()
    )
    for v in banded:
        handling.append(
            HandlingBand(
                **_combination(v),
                band=v["r_band"],
                total=v["n"],
            )
        )
    partners = []
    signposted = (
        Contact.partners.through.objects.filter(
            contact__started_at__gte=day_start(first),
            contact__started_at__lt=day_start(last + timedelta(days=1)),
        )
        .annotate(r_day=TruncDate("contact__started_at"), r_team=_team("contact__agent_id"))
        .values(
            "r_day",
            "contact__channel_id",
            "contact__service_area_id",
            "contact__contact_type_id",
            "contact__location_id",
            "r_team",
            "partnerorganisation_id",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    for v in signposted:
        partners.append(
            PartnerDay(
                **_combination(v, "contact__"),
                partner_id=v["partnerorganisation_id"],
                total=v["n"],
            )
        )
    return contact_days, hours, staff, handling, partners


def _request_rows(first: date, last: date):
    """RequestDay, StageBand and StaffStageDay rows for requests and stays of these days."""
    start, end = day_start(first), day_start(last + timedelta(days=1))
    # Every status and stage listed: lets PostgreSQL range-scan the (status, created_at) and
    # (stage, left_at) indexes instead of reading every row.
    statuses = [s.value for s in Request.Status]
    stages = list(Stage.objects.values_list("pk", flat=True))
    keys = ("process_id", "service_area_id", "channel_id", "team_id")
    counts = {}
    opened = (
        Request.objects.filter(status__in=statuses, created_at__gte=start, created_at__lt=end)
        .annotate(r_day=TruncDate("created_at"))
        .values("r_day", *keys)
        .annotate(n=Count("id"))
        .order_by()
    )
    resolved = (
        Request.objects.filter(resolved_at__gte=start, resolved_at__lt=end)
        .annotate(r_day=TruncDate("resolved_at"))
        .values("r_day", *keys)
        .annotate(n=Count("id"))
        .order_by()
    )
    for kind, rows in (("opened", opened), ("resolved", resolved)):
        for v in rows:
            key = (v["r_day"], *(v[k] for k in keys))
            counts.setdefault(key, {"opened": 0, "resolved": 0})[kind] += v["n"]
    request_days = [
        RequestDay(
            day=key[0],
            process_id=key[1],
            service_area_id=key[2],
            channel_id=key[3],
            team_id=key[4],
            **n,
        )
        for key, n in counts.items()
    ]
    stays = StageVisit.objects.filter(
        stage_id__in=stages, left_at__gte=start, left_at__lt=end, sla_met__isnull=False
    ).annotate(r_day=TruncDate("left_at"))
    stay_keys = ("stage_id", "request__service_area_id", "request__channel_id", "request__team_id")

    def fields(v):
        return {
            "day": v["r_day"],
            "stage_id": v["stage_id"],
            "service_area_id": v["request__service_area_id"],
            "channel_id": v["request__channel_id"],
            "team_id": v["request__team_id"],
        }

    secs, band = band_of(
        Cast(Round(Coalesce("working_seconds", 0.0, output_field=FloatField())), IntegerField()),
        STAGE_BANDS,
    )
    stage_bands = [
        StageBand(
            **fields(v),
            band=v["r_band"],
            total=v["n"],
            met=v["met"],
            working_seconds=v["working"] or 0,
            paused_seconds=v["paused"] or 0,
        )
        for v in stays.annotate(r_secs=secs)
        .annotate(r_band=band)
        .values("r_day", *stay_keys, "r_band")
        .annotate(
            n=Count("id"),
            met=Count("id", filter=Q(sla_met=True)),
            working=Sum(Coalesce("working_seconds", 0.0, output_field=FloatField())),
            paused=Sum(Coalesce("paused_seconds", 0.0, output_field=FloatField())),
        )
        .order_by()
    ]
    staff_stays = [
        StaffStageDay(day=v["r_day"], agent_id=v["left_by_id"], moved=v["n"], resolved=v["done"])
        for v in StageVisit.objects.filter(
            stage_id__in=stages, left_at__gte=start, left_at__lt=end, left_by_id__isnull=False
        )
        .annotate(r_day=TruncDate("left_at"))
        .values("r_day", "left_by_id")
        .annotate(n=Count("id"), done=Count("id", filter=Q(exit=StageVisit.Exit.RESOLVED)))
        .order_by()
    ]
    return request_days, stage_bands, staff_stays


def _runs(days):
    """Sorted days as (first, last) runs of consecutive days, at most CHUNK_DAYS long."""
    runs = []
    for day in sorted(set(days)):
        if (
            runs
            and runs[-1][1] + timedelta(days=1) == day
            and (day - runs[-1][0]).days < CHUNK_DAYS
        ):
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return runs


def days_rebuild(days) -> int:
    """Recount the contact summaries of these days from the raw contacts. Returns the number
    of days."""
    information_id = _information_outcome_id()
    count = 0
    for first, last in _runs(days):
        rows = _day_rows(first, last, information_id)
        with transaction.atomic():
            for model, made in zip(CONTACT_SUMMARIES, rows, strict=True):
                model.objects.filter(day__gte=first, day__lte=last).delete()
                model.objects.bulk_create(made, batch_size=2000)
        count += (last - first).days + 1
    return count


def request_days_rebuild(days) -> int:
    """Recount the request summaries of these days from the raw requests and stage stays."""
    count = 0
    for first, last in _runs(days):
        rows = _request_rows(first, last)
        with transaction.atomic():
            for model, made in zip(REQUEST_SUMMARIES, rows, strict=True):
                model.objects.filter(day__gte=first, day__lte=last).delete()
                model.objects.bulk_create(made, batch_size=2000)
        count += (last - first).days + 1
    return count


def _local_days(values):
    return {timezone.localdate(v) for v in values if v is not None}


def _request_days_of(changed):
    """The days a set of requests counts on: raised, resolved, and each stage stay ended."""
    days = set()
    for created, resolved in changed.values_list("created_at", "resolved_at"):
        days |= _local_days((created, resolved))
    days |= _local_days(
        StageVisit.objects.filter(request__in=changed, left_at__isnull=False)
        .values_list("left_at", flat=True)
        .distinct()
    )
    return days


def _days_of(queryset):
    return {
        d
        for d in queryset.annotate(r_day=TruncDate("started_at"))
        .values_list("r_day", flat=True)
        .distinct()
        .order_by()
        if d is not None
    }


def _all_request_days():
    days = set()
    for field in ("created_at", "resolved_at"):
        days |= {
            d
            for d in Request.objects.annotate(r_day=TruncDate(field))
            .values_list("r_day", flat=True)
            .distinct()
            .order_by()
            if d is not None
        }
    days |= {
        d
        for d in StageVisit.objects.annotate(r_day=TruncDate("left_at"))
        .values_list("r_day", flat=True)
        .distinct()
        .order_by()
        if d is not None
    }
    return days


def summaries_refresh() -> int:
    """Bring the summaries up to date with every contact saved since the last refresh."""
    now = timezone.now()
    with transaction.atomic():
        state, _ = SummaryState.objects.get_or_create(id=1)
        state = SummaryState.objects.select_for_update(skip_locked=True).filter(id=1).first()
        if state is None:
            return 0  # another refresh is running
        if state.changes_seen_to is None:
            days = _days_of(Contact.objects.all())
            request_days = _all_request_days()
        else:
            request_days = _request_days_of(
                Request.objects.filter(updated_at__gte=state.changes_seen_to - OVERLAP)
            )
            changed = _days_of(
                Contact.objects.filter(updated_at__gte=state.changes_seen_to - OVERLAP)
            )
            today = timezone.localdate()
            days = {
                d + timedelta(days=n)
                for d in changed
                for n in range(REPEAT_WINDOW.days + 1)
                if d + timedelta(days=n) <= today
            }
        count = days_rebuild(days) + request_days_rebuild(request_days)
        state.changes_seen_to = now
        state.refreshed_at = now
        state.save()
    transaction.on_commit(lambda: cache.set(fresh_cache_key(), now, MAX_AGE.total_seconds()))
    return count


def summaries_fresh_as_of():
    """When the summaries were last brought up to date (None: never).

    Kept in the cache for MAX_AGE too, so a page that finds them fresh spends no query on it."""
    fresh = cache.get(fresh_cache_key())
    if fresh is None:
        fresh = SummaryState.objects.filter(id=1).values_list("refreshed_at", flat=True).first()
    return fresh


def summaries_ensure_fresh():
    """Refresh now when the last refresh is older than MAX_AGE (no beat running: the demo).

    Returns the moment the figures are complete to."""
    fresh = summaries_fresh_as_of()
    if fresh is None or timezone.now() - fresh > MAX_AGE:
        summaries_refresh()
        fresh = summaries_fresh_as_of()
    return fresh


def _by_day(queryset, day_field, **measures):
    """({day: (measures…)}, how many measures)."""
    return {
        v["r_day"]: tuple(v[m] or 0 for m in measures)
        for v in queryset.annotate(r_day=TruncDate(day_field) if day_field else F("day"))
        .values("r_day")
        .annotate(**measures)
        .order_by()
        if v["r_day"] is not None
    }, len(measures)


def _merge(*parts):
    """{day: (measures…)} from several `_by_day` results, zeros where one has no such day."""
    days = set().union(*(mapping for mapping, _width in parts))
    return {
        day: tuple(v for mapping, width in parts for v in mapping.get(day, (0,) * width))
        for day in days
    }


def _compare(what, raw, summary, rebuild):
    differences = []
    width = len(next(iter({**raw, **summary}.values()), ()))
    for day in sorted(set(raw) | set(summary)):
        want, have = raw.get(day, (0,) * width), summary.get(day, (0,) * width)
        if want != have:
            differences.append({"day": day, "summary": what, "raw": want, "counted": have})
            logger.warning(
                "Report %s summary for %s differed from the raw rows: raw %s, summary %s; rebuilt",
                what,
                day,
                want,
                have,
            )
    if differences:
        rebuild([d["day"] for d in differences])
    return differences


def summaries_recount(*, days: int | None = None) -> list[dict]:
    """Compare each day's summaries with the raw rows; log and rebuild the days that differ.

    Contacts: (contacts, resolved first time, avoidable, ended — in the handling histogram,
    signposted — partner rows). Requests: (opened, resolved, stage stays ended, within SLA).
    `days`: only the last N days (None: all). Returns
    the differences found."""
    since = None
    if days is not None:
        since = timezone.localdate() - timedelta(days=days - 1)

    def raw(queryset, field):
        if since is None:
            return queryset
        return queryset.filter(**{f"{field}__gte": day_start(since)})

    def kept(model):
        rows = model.objects.all()
        return rows if since is None else rows.filter(day__gte=since)

    contacts_raw = _merge(
        _by_day(
            raw(Contact.objects.all(), "started_at"),
            "started_at",
            n=Count("id"),
            resolved=Count("id", filter=Q(resolved_at_first_contact=True)),
            avoidable=Count("id", filter=Q(avoidable=True)),
            ended=Count("id", filter=Q(ended_at__isnull=False)),
        ),
        _by_day(
            raw(Contact.partners.through.objects.all(), "contact__started_at"),
            "contact__started_at",
            n=Count("id"),
        ),
    )
    contacts_kept = _merge(
        _by_day(
            kept(ContactDay),
            None,
            n=Sum("total"),
            resolved=Sum("resolved"),
            avoidable=Sum("avoidable"),
        ),
        _by_day(kept(HandlingBand), None, n=Sum("total")),
        _by_day(kept(PartnerDay), None, n=Sum("total")),
    )
    requests_raw = _merge(
        _by_day(raw(Request.objects.all(), "created_at"), "created_at", n=Count("id")),
        _by_day(
            raw(Request.objects.filter(resolved_at__isnull=False), "resolved_at"),
            "resolved_at",
            n=Count("id"),
        ),
        _by_day(
            raw(StageVisit.objects.filter(sla_met__isnull=False, left_at__gte=EPOCH), "left_at"),
            "left_at",
            n=Count("id"),
            met=Count("id", filter=Q(sla_met=True)),
        ),
    )
    requests_kept = _merge(
        _by_day(kept(RequestDay).filter(opened__gt=0), None, n=Sum("opened")),
        _by_day(kept(RequestDay).filter(resolved__gt=0), None, n=Sum("resolved")),
        _by_day(kept(StageBand), None, n=Sum("total"), met=Sum("met")),
    )
    differences = _compare("contacts", contacts_raw, contacts_kept, days_rebuild)
    differences += _compare("requests", requests_raw, requests_kept, request_days_rebuild)
    logger.info("Report summaries recounted: %d day(s) differed", len(differences))
    return differences
