"""The daily summary behind the Reports page: per-day counts for each report breakdown.

A report over a long range would otherwise aggregate every contact in it (a million rows for 90
days at a large council: seconds of work). Past days change rarely, so their figures are kept in
`ReportDay` / `ReportDayCount` (about 75 rows a day) and only recent days are counted live.

- A day is summarised only once it is at least `SETTLED_DAYS` old (so not today or yesterday,
  where contacts are still being ended and the auto-close job is still working).
- It is built the first time a report covers it, or ahead of time by
  `manage.py contacts_report_summary`.
- The contact services call `report_days_forget` for the day a contact started whenever they
  start, end, record or auto-close one, so a back-dated or late-ended contact is counted again
  on the next report. Writes that bypass the services (bulk loads, SQL) need the command.
"""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone

from contacts.models import Contact, ReportDay, ReportDayCount
from core.filters import day_start

SETTLED_DAYS = 2

MEASURES = ("total", "avoidable", "avoidable_known", "resolved", "resolved_known")

# Annotation names must not clash with the model's fields ("avoidable"), hence the prefix.
AGGREGATES = {
    "m_total": Count("id"),
    "m_avoidable": Count("id", filter=Q(avoidable=True)),
    "m_avoidable_known": Count("id", filter=Q(avoidable__isnull=False)),
    "m_resolved": Count("id", filter=Q(resolved_at_first_contact=True)),
    "m_resolved_known": Count("id", filter=Q(resolved_at_first_contact__isnull=False)),
}

B = ReportDayCount.Breakdown
# Each breakdown: the values to group by, as (key, key2).
GROUPS = {
    B.CHANNEL: ("channel_id", None),
    B.SERVICE_AREA: ("service_area_id", None),
    B.CONTACT_TYPE: ("contact_type_id", "service_area_id"),
    B.LOCATION: ("location_id", None),
    B.HOUR: ("r_hour", None),
}


def last_settled_day(today=None) -> date:
    """The newest day whose figures may be summarised."""
    return (today or timezone.localdate()) - timedelta(days=SETTLED_DAYS)


def measures_of(values) -> list[int]:
    return [int(values[f"m_{m}"] or 0) for m in MEASURES]


def grouped(queryset, breakdown, *, extra=()):
    """Rows of ((key, key2), measures) for one breakdown; `extra` names lead each key."""
    key, key2 = GROUPS[breakdown]
    names = [*extra, key] + ([key2] if key2 else [])
    if breakdown == B.HOUR:
        queryset = queryset.annotate(r_hour=ExtractHour("started_at"))
    for values in queryset.values(*names).annotate(**AGGREGATES).order_by():
        yield values, measures_of(values)


def report_days_forget(*, started_at) -> None:
    """Drop the summary of the day a contact started, so the next report counts it again."""
    if started_at is None:
        return
    ReportDay.objects.filter(day=timezone.localtime(started_at).date()).delete()


def _days(first: date, last: date):
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _runs(days):
    """Consecutive days as (first, last) pairs."""
    runs = []
    for day in days:
        if runs and runs[-1][1] + timedelta(days=1) == day:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return runs


def report_days_build(*, date_from: date, date_to: date, rebuild=False) -> int:
    """Summarise the settled days in the range not summarised yet (all of them if `rebuild`).

    Returns how many days were built. Days another request is building at the same moment are
    left to it (the `ReportDay` primary key decides who builds).
    """
    date_to = min(date_to, last_settled_day())
    if date_to < date_from:
        return 0
    wanted = _days(date_from, date_to)
    if rebuild:
        ReportDay.objects.filter(day__gte=date_from, day__lte=date_to).delete()
        have = set()
    else:
        have = set(
            ReportDay.objects.filter(day__gte=date_from, day__lte=date_to).values_list(
                "day", flat=True
            )
        )
    missing = [d for d in wanted if d not in have]
    built = 0
    for first, last in _runs(missing):
        built += _build_run(first, last)
    return built


def _build_run(first: date, last: date) -> int:
    queryset = Contact.objects.filter(
        started_at__gte=day_start(first), started_at__lt=day_start(last + timedelta(days=1))
    ).annotate(r_day=TruncDate("started_at"))
    counts = {day: [] for day in _days(first, last)}
    for values in queryset.values("r_day").annotate(**AGGREGATES).order_by():
        counts[values["r_day"]].append(
            _count_row(values["r_day"], B.ALL, None, None, measures_of(values))
        )
    for breakdown, (key, key2) in GROUPS.items():
        for values, measures in grouped(queryset, breakdown, extra=("r_day",)):
            counts[values["r_day"]].append(
                _count_row(
                    values["r_day"],
                    breakdown,
                    values[key],
                    values[key2] if key2 else None,
                    measures,
                )
            )
    built = 0
    for day, rows in counts.items():
        try:
            with transaction.atomic():
                ReportDay.objects.create(day=day)
                ReportDayCount.objects.bulk_create(rows)
        except IntegrityError:
            continue  # built by another request meanwhile
        built += 1
    return built


def _count_row(day, breakdown, key, key2, measures):
    return ReportDayCount(
        day_id=day,
        breakdown=breakdown,
        key=key,
        key2=key2,
        **dict(zip(MEASURES, measures, strict=True)),
    )
