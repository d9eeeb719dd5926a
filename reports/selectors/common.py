"""Pieces every report selector shares: filtered summaries and raw rows, and percentiles."""

from datetime import timedelta

from django.db import connection
from django.db.models import Aggregate, Avg, Count, ExpressionWrapper, F, FloatField, Func, Min

from accounts.models import Staff
from contacts.models import Contact
from core.filters import day_start
from reports.models import ContactDay, ContactHour
from requests_tracking.models import Process


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def first_team_agents(team_id):
    """Staff whose first team (lowest id) is this one: the team their contacts count for."""
    return (
        Staff.teams.through.objects.values("staff_id")
        .annotate(first=Min("team_id"))
        .filter(first=team_id)
        .values("staff_id")
    )


def _process_contact_types(process):
    """The contact types that start a process (any of its versions, by code)."""
    return Process.contact_types.through.objects.filter(process__code=process.code).values(
        "contacttype_id"
    )


def contact_days(f, *, date_from=None):
    """Summary rows for the report's filters (days from `date_from`, default the range's)."""
    rows = ContactDay.objects.filter(day__gte=date_from or f.date_from, day__lte=f.date_to)
    if f.channel:
        rows = rows.filter(channel_id=f.channel.pk)
    if f.service_area:
        rows = rows.filter(service_area_id=f.service_area.pk)
    if f.location:
        rows = rows.filter(location_id=f.location.pk)
    if f.team:
        rows = rows.filter(team_id=f.team.pk)
    if f.process:
        rows = rows.filter(contact_type_id__in=_process_contact_types(f.process))
    return rows


def contact_hours(f):
    """Heat-map summary rows (the process filter does not narrow these: no contact type)."""
    rows = ContactHour.objects.filter(day__gte=f.date_from, day__lte=f.date_to)
    for name in ("channel", "service_area", "location", "team"):
        value = getattr(f, name)
        if value is not None:
            rows = rows.filter(**{f"{name}_id": value.pk})
    return rows


def raw_contacts(f):
    """The contacts themselves, for figures a summary cannot add up (percentiles, partners)."""
    contacts = Contact.objects.filter(
        started_at__gte=day_start(f.date_from),
        started_at__lt=day_start(f.date_to + timedelta(days=1)),
    )
    if f.channel:
        contacts = contacts.filter(channel_id=f.channel.pk)
    if f.service_area:
        contacts = contacts.filter(service_area_id=f.service_area.pk)
    if f.location:
        contacts = contacts.filter(location_id=f.location.pk)
    if f.team:
        contacts = contacts.filter(agent_id__in=first_team_agents(f.team.pk))
    if f.process:
        contacts = contacts.filter(contact_type_id__in=_process_contact_types(f.process))
    return contacts


class PercentileCont(Aggregate):
    """PostgreSQL's percentile_cont(p) WITHIN GROUP (ORDER BY expression)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


class EpochSeconds(Func):
    """Seconds between two moments, on PostgreSQL."""

    template = "EXTRACT(EPOCH FROM (%(expressions)s))"
    arg_joiner = " - "
    output_field = FloatField()


def percentile(values: list[float], fraction: float) -> float | None:
    """The same as percentile_cont: linear interpolation between the closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def spread(
    queryset, *, group: list[str], value_pg, value_py, fields_py, extra_pg=None, extra_py=None
):
    """{group values: {"n", "avg", "p50", "p90", **extras}} of a value per group.

    On PostgreSQL one aggregate query with percentile_cont (plus `extra_pg` aggregates);
    elsewhere (SQLite, the demo) the rows are read and the same figures computed in Python
    (`extra_py(rows)` gives the extras from the rows' `fields_py`)."""
    result = {}
    if is_postgres():
        rows = (
            queryset.values(*group)
            .annotate(
                r_n=Count("pk"),
                r_avg=Avg(value_pg),
                r_p50=PercentileCont(value_pg, 0.5),
                r_p90=PercentileCont(value_pg, 0.9),
                **{f"x_{k}": v for k, v in (extra_pg or {}).items()},
            )
            .order_by()
        )
        for row in rows:
            key = tuple(row[g] for g in group)
            result[key] = {
                "n": row["r_n"],
                "avg": row["r_avg"],
                "p50": row["r_p50"],
                "p90": row["r_p90"],
                **{k: row[f"x_{k}"] for k in (extra_pg or {})},
            }
        return result
    grouped = {}
    for row in queryset.values(*group, *fields_py).order_by().iterator():
        grouped.setdefault(tuple(row[g] for g in group), []).append(row)
    for key, rows in grouped.items():
        vs = [value_py(row) for row in rows]
        result[key] = {
            "n": len(vs),
            "avg": sum(vs) / len(vs),
            "p50": percentile(vs, 0.5),
            "p90": percentile(vs, 0.9),
            **(extra_py(rows) if extra_py else {}),
        }
    return result


def spread_sets(
    queryset, *, groupings: list[list[str]], value_pg, value_py, fields_py, extras=None
):
    """`spread` for several groupings at once: one query (GROUPING SETS) on PostgreSQL.

    `extras`: {name: (field, SQL aggregate over "{c}", Python function of the rows)}.
    Returns one {group values: {"n", "avg", "p50", "p90", **extras}} per grouping, in order."""
    extras = extras or {}
    names = list(dict.fromkeys(f for grouping in groupings for f in grouping))
    alias = {name: f"g{i}" for i, name in enumerate(names)}
    results = [{} for _ in groupings]
    if is_postgres():
        extra_alias = {name: f"x{i}" for i, name in enumerate(extras)}
        inner = queryset.annotate(
            **{alias[n]: F(n) for n in names},
            **{extra_alias[k]: F(field) for k, (field, _sql, _py) in extras.items()},
            r_v=ExpressionWrapper(value_pg, FloatField()),
        ).values(*alias.values(), *extra_alias.values(), "r_v")
        sql, params = inner.query.sql_with_params()
        flags = ", ".join(f"GROUPING({alias[n]})" for n in names)
        columns = ", ".join(alias[n] for n in names)
        sets = ", ".join("(" + ", ".join(alias[n] for n in g) + ")" for g in groupings)
        query = (
            f"SELECT {flags}, {columns}, COUNT(*), AVG(r_v), "
            "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY r_v), "
            "PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY r_v)"
            + "".join(
                ", " + sql_.format(c=extra_alias[k]) for k, (_f, sql_, _py) in extras.items()
            )
            + f" FROM ({sql}) AS s GROUP BY GROUPING SETS ({sets})"
        )
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            for row in cursor.fetchall():
                grouped = {n for n, flag in zip(names, row[: len(names)], strict=True) if not flag}
                values = dict(zip(names, row[len(names) : 2 * len(names)], strict=True))
                n, avg, p50, p90 = row[2 * len(names) : 2 * len(names) + 4]
                more = dict(zip(extras, row[2 * len(names) + 4 :], strict=True))
                for index, grouping in enumerate(groupings):
                    if set(grouping) == grouped:
                        key = tuple(values[g] for g in grouping)
                        results[index][key] = {
                            "n": n,
                            "avg": avg,
                            "p50": p50,
                            "p90": p90,
                            **more,
                        }
        return results
    collected = [{} for _ in groupings]
    for row in queryset.values(*names, *fields_py).order_by().iterator():
        for index, grouping in enumerate(groupings):
            collected[index].setdefault(tuple(row[g] for g in grouping), []).append(row)
    for index, groups in enumerate(collected):
        for key, rows in groups.items():
            vs = [value_py(row) for row in rows]
            results[index][key] = {
                "n": len(vs),
                "avg": sum(vs) / len(vs),
                "p50": percentile(vs, 0.5),
                "p90": percentile(vs, 0.9),
                **{k: py(rows) for k, (_f, _sql, py) in extras.items()},
            }
    return results
