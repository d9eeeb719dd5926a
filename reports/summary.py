"""Keeping the report summaries current: `ContactDay`, `ContactHour` and `StaffDay`.

- `summaries_refresh()` (Celery beat every 5 minutes, and inline from a report page whose
  summaries are older than that) finds the days of every contact saved since the last refresh
  (`Contact.updated_at`, which every contact service sets: starts, ends, edits, late ends,
  back-dated API records, the auto-close job) and recounts those days, plus the 7 days after
  each (a contact can make a later one a repeat). It looks back `OVERLAP` before the last
  refresh, so a transaction that saved a contact before the refresh began but committed after
  it is still picked up.
- `summaries_recount()` (nightly) compares each day's totals with the raw contacts, logs any
  difference and rebuilds the days that differ (deleted rows, bulk SQL loads).
- A day is rebuilt whole, inside one transaction: readers see the old or the new figures.
"""

import logging
from datetime import date, timedelta

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone

from accounts.models import Staff
from contacts.models import Contact, Outcome
from core.filters import day_start
from reports.models import ContactDay, ContactHour, StaffDay, SummaryState

logger = logging.getLogger(__name__)

MAX_AGE = timedelta(minutes=5)


def fresh_cache_key() -> str:
    """Per database: two sites (or a test run) sharing one Redis must not share freshness."""
    return f"reports:summaries-refreshed-at:{connection.settings_dict['NAME']}"


OVERLAP = timedelta(minutes=10)
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


def _seconds(value) -> int:
    return int(value.total_seconds()) if value else 0


def _team():
    """The agent's first team (lowest id): the team a contact counts for."""
    return Subquery(
        Staff.teams.through.objects.filter(staff_id=OuterRef("agent_id"))
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


def _day_rows(first: date, last: date, information_id):
    queryset = _annotated(first, last)
    contact_days, hours, staff = [], [], []
    for v in (
        queryset.values("r_day", *DIMENSIONS).annotate(**_measures(information_id)).order_by()
    ):
        contact_days.append(
            ContactDay(
                day=v["r_day"],
                channel_id=v["channel_id"],
                service_area_id=v["service_area_id"],
                contact_type_id=v["contact_type_id"],
                location_id=v["location_id"],
                team_id=v["r_team"],
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
    return contact_days, hours, staff


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
    """Recount the summaries of these days from the raw contacts. Returns the number of days."""
    information_id = _information_outcome_id()
    count = 0
    for first, last in _runs(days):
        contact_days, hours, staff = _day_rows(first, last, information_id)
        with transaction.atomic():
            for model in (ContactDay, ContactHour, StaffDay):
                model.objects.filter(day__gte=first, day__lte=last).delete()
            ContactDay.objects.bulk_create(contact_days, batch_size=2000)
            ContactHour.objects.bulk_create(hours, batch_size=2000)
            StaffDay.objects.bulk_create(staff, batch_size=2000)
        count += (last - first).days + 1
    return count


def _days_of(queryset):
    return {
        d
        for d in queryset.annotate(r_day=TruncDate("started_at"))
        .values_list("r_day", flat=True)
        .distinct()
        .order_by()
        if d is not None
    }


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
        else:
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
        count = days_rebuild(days)
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


def summaries_recount(*, days: int | None = None) -> list[dict]:
    """Compare each day's summary with the raw contacts; log and rebuild the days that differ.

    `days`: only the last N days (None: all). Returns the differences found."""
    raw = Contact.objects.all()
    summary = ContactDay.objects.all()
    if days is not None:
        first = timezone.localdate() - timedelta(days=days - 1)
        raw = raw.filter(started_at__gte=day_start(first))
        summary = summary.filter(day__gte=first)
    raw_counts = {
        v["r_day"]: (v["n"], v["resolved"], v["avoidable"])
        for v in raw.annotate(r_day=TruncDate("started_at"))
        .values("r_day")
        .annotate(
            n=Count("id"),
            resolved=Count("id", filter=Q(resolved_at_first_contact=True)),
            avoidable=Count("id", filter=Q(avoidable=True)),
        )
        .order_by()
    }
    summary_counts = {
        v["day"]: (v["n"], v["resolved"], v["avoidable"])
        for v in summary.values("day")
        .annotate(n=Sum("total"), resolved=Sum("resolved"), avoidable=Sum("avoidable"))
        .order_by()
    }
    differences = []
    for day in sorted(set(raw_counts) | set(summary_counts)):
        want, have = raw_counts.get(day, (0, 0, 0)), summary_counts.get(day, (0, 0, 0))
        if want != have:
            differences.append({"day": day, "raw": want, "summary": have})
            logger.warning(
                "Report summary for %s differed from the contacts: raw (total, resolved, "
                "avoidable) %s, summary %s; rebuilt",
                day,
                want,
                have,
            )
    if differences:
        days_rebuild([d["day"] for d in differences])
    logger.info("Report summaries recounted: %d day(s) differed", len(differences))
    return differences
