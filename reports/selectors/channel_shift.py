"""Channel shift: the share of requests residents start themselves online (an online form or
a reporting app through Open311) against those staff raise, over time and per service area,
and contacts per 1,000 requests. Read from the daily summaries (`RequestDay`, `ContactDay`)."""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Sum

from reports import charts
from reports.selectors.common import contact_days, request_days
from reports.tables import Headline, Report, Table, change_words, fmt_int, fmt_pct, num, rate

ONLINE_CODES = ("online_form", "open311")  # forms_engine and open311 channel codes
WEEKLY_AFTER_DAYS = 31


def _is_online(code) -> bool:
    return code in ONLINE_CODES


def channel_shift_report(f) -> Report:
    prev = f.previous()
    per_day = (
        request_days(f, date_from=prev.date_from)
        .filter(opened__gt=0)
        .values("day", "channel__code")
        .annotate(n=Sum("opened"))
        .order_by()
    )
    weekly = f.days > WEEKLY_AFTER_DAYS
    periods = defaultdict(lambda: [0, 0])  # period start -> [online, staff]
    now_split, before_split = [0, 0], [0, 0]
    for row in per_day:
        online = _is_online(row["channel__code"])
        day = row["day"]
        split = now_split if day >= f.date_from else before_split
        split[0 if online else 1] += row["n"]
        if day >= f.date_from:
            start = day - timedelta(days=day.weekday()) if weekly else day
            periods[start][0 if online else 1] += row["n"]
    over_time = Table(
        "over_time",
        "Requests started online, by week" if weekly else "Requests started online, by day",
        [
            "Week starting" if weekly else "Day",
            "Started online",
            "Raised by staff",
            "Online share",
        ],
    )
    labels, shares = [], []
    first = f.date_from - timedelta(days=f.date_from.weekday()) if weekly else f.date_from
    step = 7 if weekly else 1
    day = first
    while day <= f.date_to:
        online, staff = periods.get(day, (0, 0))
        share = rate(online, online + staff)
        labels.append(day.strftime("%-d %b"))
        shares.append(share)
        over_time.add(
            day.strftime("%a %-d %b %Y"),
            num(fmt_int(online)),
            num(fmt_int(staff)),
            num(fmt_pct(share)),
        )
        day += timedelta(days=step)
    share_now = rate(now_split[0], sum(now_split))
    share_before = rate(before_split[0], sum(before_split))
    if share_now is None:
        over_time.summary = "No requests in this range."
    elif share_before is None:
        over_time.summary = f"{fmt_pct(share_now)} of requests were started online by residents."
    else:
        points = share_now - share_before
        over_time.summary = (
            f"{fmt_pct(share_now)} of requests were started online by residents, "
            f"{'up' if points >= 0 else 'down'} {abs(points):.1f} percentage points "
            f"on the previous {f.days:,} days."
        )
    over_time.chart = charts.line_chart(
        title=over_time.title,
        summary=over_time.summary,
        labels=labels,
        series=[("Online share (%)", shares)],
        fmt=lambda v: f"{v:.0f}%",
    )

    by_area = (
        request_days(f)
        .filter(opened__gt=0)
        .values("service_area__name", "channel__code")
        .annotate(n=Sum("opened"))
        .order_by()
    )
    areas = defaultdict(lambda: [0, 0])
    for row in by_area:
        areas[row["service_area__name"]][0 if _is_online(row["channel__code"]) else 1] += row["n"]
    contacts = {
        row["service_area__name"]: row["n"]
        for row in contact_days(f).values("service_area__name").annotate(n=Sum("total")).order_by()
    }
    per_area = Table(
        "service_areas",
        "Channel shift by service area",
        [
            "Service area",
            "Started online",
            "Raised by staff",
            "Online share",
            "Contacts",
            "Contacts per 1,000 requests",
        ],
    )
    ordered = sorted(areas.items(), key=lambda kv: (-(kv[1][0] + kv[1][1]), kv[0] or ""))
    for name, (online, staff) in ordered:
        requests_total = online + staff
        per_thousand = 1000 * contacts.get(name, 0) / requests_total if requests_total else None
        per_area.add(
            name or "Not recorded",
            num(fmt_int(online)),
            num(fmt_int(staff)),
            num(fmt_pct(rate(online, requests_total))),
            num(fmt_int(contacts.get(name, 0))),
            num(fmt_int(None if per_thousand is None else round(per_thousand))),
        )
    if ordered:
        per_area.chart = charts.bar_chart(
            title=per_area.title,
            summary="Online share of requests per service area.",
            labels=[n or "Not recorded" for n, _ in ordered],
            values=[rate(o, o + s) or 0 for _, (o, s) in ordered],
            fmt=lambda v: fmt_pct(v),
        )
        per_area.summary = (
            "Online share of requests per service area; contacts per 1,000 requests shows "
            "how much contact each request brings."
        )
    total_requests = sum(now_split)
    total_contacts = sum(contacts.values())
    report = Report("channel-shift", "Channel shift")
    report.headlines = [
        Headline("Started online", fmt_pct(share_now), f"of {fmt_int(total_requests)} requests"),
        Headline(
            "Requests started online",
            fmt_int(now_split[0]),
            change_words(now_split[0], before_split[0], "Online requests", f.days),
        ),
        Headline(
            "Contacts per 1,000 requests",
            fmt_int(round(1000 * total_contacts / total_requests) if total_requests else None),
            f"{fmt_int(total_contacts)} contacts",
        ),
    ]
    report.tables = [over_time, per_area]
    return report
