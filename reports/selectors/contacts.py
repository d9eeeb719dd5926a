"""The contacts report: demand, trend, staffing heat map, handling time, repeat contacts,
avoidable contact, signposting. Everything comes from the daily summaries: volumes and sums
from `ContactDay`, percentiles from the handling-time histogram (`HandlingBand`), partners
from `PartnerDay`."""

from collections import defaultdict
from datetime import timedelta

from django.db.models import CharField, Sum, Value

from contacts.models import AvoidableReason, Channel, ContactType
from organisation.models import Location, ServiceArea
from reports import charts
from reports.models import HandlingBand, PartnerDay
from reports.selectors.common import contact_days, contact_hours
from reports.summary import band_percentile
from reports.tables import (
    Headline,
    Report,
    Table,
    change_words,
    fmt_duration,
    fmt_int,
    fmt_minutes,
    fmt_pct,
    num,
    rate,
)

MEASURES = (
    "total",
    "anonymous",
    "avoidable",
    "avoidable_known",
    "resolved",
    "resolved_known",
    "information_sent",
    "repeat",
    "repeat_known",
    "ended",
    "handling_seconds",
)
SUMS = {f"s_{m}": Sum(m) for m in MEASURES}
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
NOT_RECORDED = "Not recorded"


class Measures:
    """Summed measures of a set of summary rows."""

    def __init__(self):
        self.m = dict.fromkeys(MEASURES, 0)

    def add(self, row):
        for name in MEASURES:
            self.m[name] += row[f"s_{name}"] or 0
        return self

    def __getattr__(self, name):
        try:
            return self.__dict__["m"][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def avoidable_rate(self):
        return rate(self.avoidable, self.avoidable_known)

    @property
    def fcr_rate(self):
        return rate(self.resolved, self.resolved_known)

    @property
    def average_handling(self):
        return self.handling_seconds / self.ended if self.ended else None


def _names():
    """{kind: {id: name}} for the reference tables the contact summaries point at, in one
    query: grouping a year of summary rows by ids and naming them here is several times faster
    than joining five tables and grouping by their names."""
    blank = Value("", output_field=CharField())

    def rows(model, kind):
        return (
            model.objects.order_by()
            .annotate(r_kind=Value(kind, output_field=CharField()), r_blank=blank)
            .values_list("r_kind", "pk", "name")
        )

    union = rows(Channel, "channel").union(
        rows(ServiceArea, "area"),
        rows(ContactType, "type"),
        rows(Location, "location"),
        rows(AvoidableReason, "reason"),
        all=True,
    )
    names = defaultdict(dict)
    for kind, pk, name in union:
        names[kind][pk] = name
    return names


def _breakdown(key, title, heading, groups, total):
    table = Table(
        key,
        title,
        [heading, "Contacts", "Share", "Avoidable", "Resolved first time", "Average handling"],
    )
    ordered = sorted(groups.items(), key=lambda kv: (-kv[1].total, kv[0]))
    for label, m in ordered:
        table.add(
            label,
            num(fmt_int(m.total)),
            num(fmt_pct(rate(m.total, total))),
            num(fmt_pct(m.avoidable_rate)),
            num(fmt_pct(m.fcr_rate)),
            num(fmt_duration(m.average_handling)),
        )
    if ordered:
        top_label, top = ordered[0]
        table.summary = (
            f"{top_label} had the most contacts: {fmt_int(top.total)} "
            f"({fmt_pct(rate(top.total, total))} of all)."
        )
        table.chart = charts.bar_chart(
            title=title,
            summary=table.summary,
            labels=[label for label, _ in ordered],
            values=[m.total for _, m in ordered],
        )
    return table


def _trend(f, daily, current, previous):
    prev = f.previous()
    table = Table(
        "trend",
        "Contacts per day",
        ["Day", "Contacts", f"Same day of the previous {f.days:,} days"],
    )
    labels, now_values, then_values = [], [], []
    for n in range(f.days):
        day = f.date_from + timedelta(days=n)
        before = prev.date_from + timedelta(days=n)
        now_total = daily.get(day, 0)
        then_total = daily.get(before, 0)
        labels.append(day.strftime("%-d %b"))
        now_values.append(now_total)
        then_values.append(then_total)
        table.add(day.strftime("%a %-d %b %Y"), num(fmt_int(now_total)), num(fmt_int(then_total)))
    noun = f"{f.channel.name} contacts" if f.channel else "Contacts"
    table.summary = change_words(current.total, previous.total, noun, f.days)
    table.chart = charts.line_chart(
        title="Contacts per day",
        summary=table.summary,
        labels=labels,
        series=[("This period", now_values), ("Previous period", then_values)],
    )
    return table


def _heat_map(f):
    cells = defaultdict(int)
    for row in contact_hours(f).values("day", "hour").annotate(n=Sum("total")).order_by():
        cells[(row["day"].weekday(), row["hour"])] += row["n"]
    busy_hours = sorted({h for _, h in cells}) or list(range(9, 17))
    hours = list(range(min(busy_hours[0], 8), max(busy_hours[-1], 17) + 1))
    table = Table(
        "heat_map", "Contacts by weekday and hour", ["Day", *[f"{h:02d}:00" for h in hours]]
    )
    matrix = []
    for d, name in enumerate(WEEKDAYS):
        values = [cells.get((d, h), 0) for h in hours]
        matrix.append(values)
        table.add(name, *[num(fmt_int(v)) for v in values])
    if cells:
        (busiest_day, busiest_hour), most = max(cells.items(), key=lambda kv: kv[1])
        table.summary = (
            f"The busiest hour was {WEEKDAYS[busiest_day]} {busiest_hour:02d}:00–"
            f"{busiest_hour:02d}:59, with {fmt_int(most)} contacts over the period."
        )
    else:
        table.summary = "No contacts in this range."
    table.chart = charts.heat_map(
        title="Contacts by weekday and hour",
        summary=table.summary,
        row_labels=[w[:3] for w in WEEKDAYS],
        column_labels=[f"{h:02d}" for h in hours],
        matrix=matrix,
    )
    table.note = "Every occurrence of the weekday in the range is added together."
    return table


HANDLING = [
    ("handling_channel", "Handling time by channel", "Channel"),
    ("handling_type", "Handling time by contact type", "Contact type"),
]


def _type_label(kind, area):
    return f"{kind} ({area or NOT_RECORDED})" if kind else NOT_RECORDED


def _handling(f, by, names):
    """Handling time by channel and by contact type. Counts and averages are exact (sums in
    the daily summary); the median and 90th percentile come from the handling-time histogram,
    to the nearest minute."""
    bands = {"channel": defaultdict(dict), "type": defaultdict(dict)}
    rows = (
        contact_days(f, model=HandlingBand)
        .values("channel_id", "contact_type_id", "service_area_id", "band")
        .annotate(n=Sum("total"))
        .order_by()
    )
    for row in rows:
        keys = (
            ("channel", names["channel"].get(row["channel_id"]) or NOT_RECORDED),
            (
                "type",
                _type_label(
                    names["type"].get(row["contact_type_id"]),
                    names["area"].get(row["service_area_id"]),
                ),
            ),
        )
        for kind, label in keys:
            counts = bands[kind][label]
            counts[row["band"]] = counts.get(row["band"], 0) + row["n"]
    tables = []
    for (key, title, heading), kind in zip(HANDLING, ("channel", "type"), strict=True):
        table = Table(
            key, title, [heading, "Contacts ended", "Average", "Median", "90th percentile"]
        )
        groups = [(label, m) for label, m in by[kind].items() if m.ended]
        groups.sort(key=lambda kv: (-kv[1].ended, kv[0]))
        for label, m in groups:
            counts = bands[kind].get(label, {})
            table.add(
                label,
                num(fmt_int(m.ended)),
                num(fmt_duration(m.average_handling)),
                num(fmt_minutes(band_percentile(counts, 0.5))),
                num(fmt_minutes(band_percentile(counts, 0.9))),
            )
        table.note = (
            "From the start to the end of each contact; contacts still open are left out. "
            "Averages are exact; the median and 90th percentile are to the nearest minute "
            "(to the nearest 5 minutes past an hour; 4 hours or longer counts as 4 hours)."
        )
        tables.append(table)
    return tables


def _partners(f):
    rows = (
        contact_days(f, model=PartnerDay)
        .values("partner__name")
        .annotate(n=Sum("total"))
        .order_by("-n", "partner__name")
    )
    table = Table("partners", "Signposting by partner", ["Partner organisation", "Contacts"])
    for row in rows:
        table.add(row["partner__name"], num(fmt_int(row["n"])))
    return table


def contacts_report(f) -> Report:
    prev = f.previous()
    daily_rows = (
        contact_days(f, date_from=prev.date_from).values("day").annotate(**SUMS).order_by()
    )
    current, previous, daily = Measures(), Measures(), {}
    for row in daily_rows:
        daily[row["day"]] = row["s_total"] or 0
        (current if row["day"] >= f.date_from else previous).add(row)

    by = {name: defaultdict(Measures) for name in ("channel", "area", "type", "location")}
    reasons = defaultdict(int)
    names = _names()
    combos = (
        contact_days(f)
        .values(
            "channel_id",
            "service_area_id",
            "contact_type_id",
            "location_id",
            "avoidable_reason_id",
        )
        .annotate(**SUMS)
        .order_by()
    )
    for row in combos:
        area = names["area"].get(row["service_area_id"]) or NOT_RECORDED
        by["channel"][names["channel"].get(row["channel_id"]) or NOT_RECORDED].add(row)
        by["area"][area].add(row)
        by["type"][_type_label(names["type"].get(row["contact_type_id"]), area)].add(row)
        by["location"][names["location"].get(row["location_id"]) or NOT_RECORDED].add(row)
        reason = names["reason"].get(row["avoidable_reason_id"])
        if reason:
            reasons[reason] += row["s_avoidable"] or 0

    total = current.total
    report = Report("contacts", "Contacts")
    report.headlines = [
        Headline(
            "Contacts", fmt_int(total), change_words(total, previous.total, "Contacts", f.days)
        ),
        Headline(
            "Avoidable contact", fmt_pct(current.avoidable_rate), "of contacts with an answer"
        ),
        Headline("Resolved at first contact", fmt_pct(current.fcr_rate), "as the agent recorded"),
        Headline(
            "Repeat contacts",
            fmt_pct(rate(current.repeat, current.repeat_known)),
            "same citizen, same service area within 7 days",
        ),
        Headline(
            "Resolved by information",
            fmt_pct(rate(current.information_sent, total)),
            "outcome “Information sent”",
        ),
        Headline("Anonymous", fmt_pct(rate(current.anonymous, total)), "no citizen recorded"),
        Headline(
            "Average handling time", fmt_duration(current.average_handling), "ended contacts"
        ),
    ]
    repeat = Table(
        "repeat",
        "Repeat contacts by service area",
        ["Service area", "Contacts from known citizens", "Repeat contacts", "Repeat rate"],
    )
    for area, m in sorted(by["area"].items(), key=lambda kv: (-kv[1].repeat, kv[0])):
        if m.repeat_known:
            repeat.add(
                area,
                num(fmt_int(m.repeat_known)),
                num(fmt_int(m.repeat)),
                num(fmt_pct(rate(m.repeat, m.repeat_known))),
            )
    repeat.note = (
        "A repeat contact is one from a citizen who contacted us about the same service area in "
        "the 7 days before: the honest test of first-contact resolution."
    )
    avoidable = Table(
        "avoidable_reasons",
        "Avoidable contact by reason",
        ["Reason", "Contacts", "Share of avoidable"],
    )
    for reason, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])):
        avoidable.add(reason, num(fmt_int(n)), num(fmt_pct(rate(n, current.avoidable))))
    report.tables = [
        _trend(f, daily, current, previous),
        _breakdown("channel", "Contacts by channel", "Channel", by["channel"], total),
        _breakdown("service_area", "Contacts by service area", "Service area", by["area"], total),
        _breakdown("contact_type", "Contacts by contact type", "Contact type", by["type"], total),
        _breakdown("location", "Contacts by location", "Location", by["location"], total),
        _heat_map(f),
        *_handling(f, by, names),
        repeat,
        avoidable,
        _partners(f),
    ]
    return report
