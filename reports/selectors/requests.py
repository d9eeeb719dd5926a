"""The requests and SLAs report: open work by process and stage with its age, SLA compliance
per stage and per process in working days (as the SLA engine recorded it on each stay: bank
holidays and time waiting for the citizen taken out), breached and at-risk lists, channel of
origin and the backlog over time. Open work and the lists are counted live (open requests
only); everything over the date range comes from the daily summaries (`RequestDay`,
`StageBand`)."""

from datetime import timedelta

from django.db import connection
from django.db.models import Count, F, Q, Sum, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from core.filters import day_start
from reports import charts
from reports.models import StageBand
from reports.selectors.common import request_days
from reports.summary import band_percentile
from reports.tables import (
    Headline,
    Report,
    Table,
    fmt_int,
    fmt_pct,
    fmt_working_days,
    link,
    num,
    rate,
)
from requests_tracking.models import Request, Stage

AGE_BANDS = [
    (0, 3, "Under 3 days"),
    (3, 8, "3 to 7 days"),
    (8, 29, "8 to 28 days"),
    (29, None, "Over 28 days"),
]
LIST_LIMIT = 25


def _requests(f, prefix=""):
    """Requests narrowed by the report's filters (`prefix` when reached through a relation)."""
    q = Q()
    if f.service_area:
        q &= Q(**{f"{prefix}service_area_id": f.service_area.pk})
    if f.channel:
        q &= Q(**{f"{prefix}channel_id": f.channel.pk})
    if f.team:
        q &= Q(**{f"{prefix}team_id": f.team.pk})
    if f.process:
        q &= Q(**{f"{prefix}process__code": f.process.code})
    return q


def _range(f, field):
    return Q(
        **{
            f"{field}__gte": day_start(f.date_from),
            f"{field}__lt": day_start(f.date_to + timedelta(days=1)),
        }
    )


def _open_work(f, now):
    bands = {}
    for low, high, _label in AGE_BANDS:
        q = Q(created_at__lte=now - timedelta(days=low))
        if high is not None:
            q &= Q(created_at__gt=now - timedelta(days=high))
        bands[f"band_{low}"] = Count("pk", filter=q)
    rows = (
        Request.objects.live()
        .filter(_requests(f))
        .values("process__name", "current_stage__name", "current_stage__order")
        .annotate(
            total=Count("pk"),
            breached=Count("pk", filter=Q(sla_state=Request.SlaState.BREACHED)),
            at_risk=Count("pk", filter=Q(sla_state=Request.SlaState.AT_RISK)),
            **bands,
        )
        .order_by("process__name", "current_stage__order")
    )
    table = Table(
        "open_by_stage",
        "Open requests by process and stage",
        [
            "Process and stage",
            *[label for _, _, label in AGE_BANDS],
            "Open",
            "At risk",
            "Breached",
        ],
    )
    totals = {"total": 0, "breached": 0, "at_risk": 0}
    for row in rows:
        for k in totals:
            totals[k] += row[k]
        table.add(
            f"{row['process__name']}: {row['current_stage__name'] or 'No stage'}",
            *[num(fmt_int(row[f"band_{low}"])) for low, _, _ in AGE_BANDS],
            num(fmt_int(row["total"])),
            num(fmt_int(row["at_risk"])),
            num(fmt_int(row["breached"])),
        )
    table.note = (
        "Open now (open, waiting for the citizen or on hold), whatever the dates chosen; "
        "age since the request was raised."
    )
    return table, totals


COMPLIANCE = [
    ("sla_stage", "SLA compliance by stage", "Process and stage", lambda k: f"{k[0]}: {k[2]}"),
    ("sla_process", "SLA compliance by process", "Process", lambda k: k[0]),
]


def _compliance(f):
    """SLA compliance by stage and by process, from the daily stage-stay histogram.

    Counts, compliance and averages are exact sums; the 90th percentile is read from the
    working-time bands (to the nearest tenth of a working day)."""
    rows = (
        request_days(f, model=StageBand)
        .values("stage_id", "band")
        .annotate(
            n=Sum("total"), met=Sum("met"), work=Sum("working_seconds"), wait=Sum("paused_seconds")
        )
        .order_by()
    )
    # Grouped by stage id and named afterwards: cheaper than grouping a year by joined names.
    stages = {
        pk: (process, order, name)
        for pk, process, order, name in Stage.objects.values_list(
            "pk", "process__name", "order", "name"
        )
    }
    groups = ({}, {})
    for row in rows:
        stage = stages[row["stage_id"]]
        for figures, key in zip(groups, (stage, stage[:1]), strict=True):
            x = figures.setdefault(key, {"n": 0, "met": 0, "work": 0.0, "wait": 0.0, "bands": {}})
            for name in ("n", "met", "work", "wait"):
                x[name] += row[name] or 0
            x["bands"][row["band"]] = x["bands"].get(row["band"], 0) + row["n"]
    results = [
        {
            key: {
                "n": x["n"],
                "met": x["met"],
                "avg": x["work"] / x["n"] if x["n"] else None,
                "p90": band_percentile(x["bands"], 0.9),
                "paused": x["wait"] / x["n"] if x["n"] else None,
            }
            for key, x in figures.items()
        }
        for figures in groups
    ]
    tables = []
    n_all = met_all = 0
    for (key, title, heading, label), figures in zip(COMPLIANCE, results, strict=True):
        table = Table(
            key,
            title,
            [
                heading,
                "Stays ended",
                "Within SLA",
                "Compliance",
                "Average time",
                "90th percentile",
                "Average wait on citizen",
            ],
        )
        ordered = sorted(figures.items(), key=lambda kv: kv[0])
        n_all = sum(x["n"] for _, x in ordered)
        met_all = sum(x["met"] for _, x in ordered)
        for names, x in ordered:
            table.add(
                label(names),
                num(fmt_int(x["n"])),
                num(fmt_int(x["met"])),
                num(fmt_pct(rate(x["met"], x["n"]))),
                num(fmt_working_days(x["avg"])),
                num(fmt_working_days(x["p90"])),
                num(fmt_working_days(x["paused"])),
            )
        table.note = (
            "Stays in a stage that ended in the range. Times are working time (Monday to Friday, "
            "9:00 to 17:00, bank holidays excluded) less the time the clock stood still waiting "
            "for the citizen, which is shown separately. Averages are exact; the 90th "
            "percentile is to the nearest tenth of a working day."
        )
        if ordered:
            table.summary = (
                f"{fmt_pct(rate(met_all, n_all))} of {fmt_int(n_all)} stage stays "
                "ended within their SLA."
            )
            table.chart = charts.bar_chart(
                title=title,
                summary=table.summary,
                labels=[label(k) for k, _ in ordered],
                values=[rate(x["met"], x["n"]) or 0 for _, x in ordered],
                fmt=lambda v: fmt_pct(v),
            )
        tables.append(table)
    return tables, n_all, met_all


def _lists(f):
    """The breached and at-risk requests due earliest: one query (the first of each state)."""
    states = [
        (Request.SlaState.BREACHED, "Breached requests"),
        (Request.SlaState.AT_RISK, "Requests at risk"),
    ]
    fields = (
        "pk",
        "sla_state",
        "reference",
        "process__name",
        "current_stage__name",
        "due_at",
        "team__name",
    )
    if connection.features.supports_slicing_ordering_in_compound:
        # Two "due earliest" index scans (request_live_due_idx) joined in one query.
        first, *more = (
            Request.objects.live()
            .filter(_requests(f), sla_state=state)
            .order_by("due_at", "pk")
            .values(*fields)[:LIST_LIMIT]
            for state, _title in states
        )
        rows = first.union(*more, all=True)
    else:
        rows = (
            Request.objects.live()
            .filter(_requests(f), sla_state__in=[s for s, _ in states])
            .annotate(
                r_rank=Window(
                    RowNumber(),
                    partition_by=F("sla_state"),
                    order_by=[F("due_at").asc(), F("pk").asc()],
                )
            )
            .filter(r_rank__lte=LIST_LIMIT)
            .order_by("due_at", "pk")
            .values(*fields)
        )
    rows = sorted(
        rows,
        key=lambda r: (r["due_at"] is None, r["due_at"] and r["due_at"].timestamp(), r["pk"]),
    )
    tables = []
    for state, title in states:
        table = Table(
            state,
            title,
            ["Request", "Process", "Stage", "Team", "Due"],
            empty="None at the moment.",
        )
        for row in rows:
            if row["sla_state"] != state:
                continue
            due = (
                timezone.localtime(row["due_at"]).strftime("%-d %b %Y %H:%M")
                if row["due_at"]
                else ""
            )
            table.add(
                link(row["reference"], reverse("requests_tracking:detail", args=[row["pk"]])),
                row["process__name"],
                row["current_stage__name"] or "",
                row["team__name"] or "Not assigned",
                due,
            )
        table.note = f"The {LIST_LIMIT} due earliest, open now."
        tables.append(table)
    return tables


def _channels(f, by_channel):
    rows = sorted(by_channel.items(), key=lambda kv: (-kv[1], kv[0]))
    total = sum(by_channel.values())
    table = Table("origin", "Requests by channel of origin", ["Channel", "Requests", "Share"])
    for name, n in rows:
        table.add(name, num(fmt_int(n)), num(fmt_pct(rate(n, total))))
    if rows:
        top, n = rows[0]
        table.summary = f"{top} brought the most requests ({fmt_pct(rate(n, total))})."
        table.chart = charts.bar_chart(
            title=table.title,
            summary=table.summary,
            labels=[name for name, _ in rows],
            values=[n for _, n in rows],
        )
    return table


def _backlog(f):
    counts, by_channel = {}, {}
    rows = (
        request_days(f)
        .values("day", "channel__name")
        .annotate(opened=Sum("opened"), closed=Sum("resolved"))
        .order_by()
    )
    for row in rows:
        for kind in ("opened", "closed"):
            key = (row["day"], kind)
            counts[key] = counts.get(key, 0) + (row[kind] or 0)
        if row["opened"]:
            name = row["channel__name"] or "Not recorded"
            by_channel[name] = by_channel.get(name, 0) + row["opened"]
    table = Table(
        "backlog",
        "Requests opened and resolved per day",
        ["Day", "Opened", "Resolved", "Change in backlog"],
    )
    labels, ins, outs = [], [], []
    opened_total = closed_total = 0
    for n in range(f.days):
        day = f.date_from + timedelta(days=n)
        a, b = counts.get((day, "opened"), 0), counts.get((day, "closed"), 0)
        opened_total += a
        closed_total += b
        labels.append(day.strftime("%-d %b"))
        ins.append(a)
        outs.append(b)
        change = a - b
        table.add(
            day.strftime("%a %-d %b %Y"),
            num(fmt_int(a)),
            num(fmt_int(b)),
            num(f"{'+' if change > 0 else ''}{change:,}"),
        )
    grew = opened_total - closed_total
    table.summary = (
        f"{fmt_int(opened_total)} requests were opened and {fmt_int(closed_total)} resolved: "
        + (
            f"the backlog grew by {grew:,}."
            if grew > 0
            else f"the backlog shrank by {-grew:,}."
            if grew < 0
            else "the backlog held steady."
        )
    )
    table.chart = charts.line_chart(
        title=table.title,
        summary=table.summary,
        labels=labels,
        series=[("Opened", ins), ("Resolved", outs)],
    )
    return table, opened_total, closed_total, by_channel


def requests_report(f) -> Report:
    now = timezone.now()
    open_table, totals = _open_work(f, now)
    (stage_table, process_table), n_all, met_all = _compliance(f)
    backlog, opened_total, closed_total, by_channel = _backlog(f)
    report = Report("requests", "Requests and SLAs")
    report.headlines = [
        Headline("Opened", fmt_int(opened_total), "requests raised in the range"),
        Headline("Resolved", fmt_int(closed_total), "in the range"),
        Headline("Open now", fmt_int(totals["total"]), f"{fmt_int(totals['at_risk'])} at risk"),
        Headline("Breached now", fmt_int(totals["breached"]), "open and past a stage's SLA"),
        Headline(
            "Stage SLAs met", fmt_pct(rate(met_all, n_all)), f"of {fmt_int(n_all)} stays ended"
        ),
    ]
    if f.location:
        report.notes.append(
            "The location filter applies to contacts only; requests are not narrowed by it."
        )
    report.tables = [
        open_table,
        stage_table,
        process_table,
        *_lists(f),
        _channels(f, by_channel),
        backlog,
    ]
    return report
