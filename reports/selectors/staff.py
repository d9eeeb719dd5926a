"""Staff: contacts and requests handled per member of staff and team, with first-contact
resolution and handling time. Team leaders see the members of their own teams;
administrators see everyone."""

from dataclasses import replace

from django.db.models import Count, Q, Sum

from accounts.models import Role, Staff
from reports.models import StaffDay, StaffStageDay
from reports.selectors.common import contact_days
from reports.selectors.requests import _range, _requests
from reports.tables import Report, Table, fmt_duration, fmt_int, fmt_pct, num, rate
from requests_tracking.models import StageVisit

SUMS = {
    "s_total": Sum("total"),
    "s_resolved": Sum("resolved"),
    "s_resolved_known": Sum("resolved_known"),
    "s_ended": Sum("ended"),
    "s_handling": Sum("handling_seconds"),
}


def sees_everyone(viewer) -> bool:
    return viewer.has_role(Role.ADMINISTRATOR)


def _viewer_teams(viewer):
    return Staff.teams.through.objects.filter(staff_id=viewer.pk).values("team_id")


def _agents(f, viewer, everyone):
    """Staff ids the viewer may see, narrowed by the team filter (a subquery; None: all)."""
    if everyone and not f.team:
        return None
    members = Staff.teams.through.objects.all()
    if not everyone:
        members = members.filter(team_id__in=_viewer_teams(viewer))
    if f.team:
        members = members.filter(team_id=f.team.pk)
    return members.values("staff_id")


def _name(first, last, username):
    return f"{first} {last}".strip() or username


def staff_report(f, *, viewer) -> Report:
    everyone = sees_everyone(viewer)
    agents = _agents(f, viewer, everyone)
    mine = Q() if agents is None else Q(agent_id__in=agents)
    theirs = Q() if agents is None else Q(left_by_id__in=agents)
    # Request figures follow the member of staff's team (as the contact figures do), not the
    # team the request is assigned to.
    contact_rows = (
        StaffDay.objects.filter(mine, day__gte=f.date_from, day__lte=f.date_to)
        .values("agent_id", "agent__first_name", "agent__last_name", "agent__username")
        .annotate(**SUMS)
        .order_by()
    )
    if f.service_area or f.channel or f.process:
        # Narrowed by what the requests are about: counted from the stays themselves.
        stays = (
            StageVisit.objects.filter(
                theirs,
                _range(f, "left_at"),
                _requests(replace(f, team=None), "request__"),
                left_by_id__isnull=False,
            )
            .values("left_by_id", "left_by__first_name", "left_by__last_name", "left_by__username")
            .annotate(
                moved=Count("pk"), resolved=Count("pk", filter=Q(exit=StageVisit.Exit.RESOLVED))
            )
            .order_by()
        )
    else:
        stays = [
            {k.replace("agent", "left_by"): v for k, v in row.items()}
            for row in StaffStageDay.objects.filter(mine, day__gte=f.date_from, day__lte=f.date_to)
            .values("agent_id", "agent__first_name", "agent__last_name", "agent__username")
            .annotate(moved=Sum("moved"), resolved=Sum("resolved"))
            .order_by()
        ]
    people = {}
    for row in contact_rows:
        people[row["agent_id"]] = {
            "name": _name(
                row["agent__first_name"], row["agent__last_name"], row["agent__username"]
            ),
            **row,
        }
    for row in stays:
        person = people.setdefault(
            row["left_by_id"],
            {
                "name": _name(
                    row["left_by__first_name"], row["left_by__last_name"], row["left_by__username"]
                )
            },
        )
        person.update(moved=row["moved"], resolved_requests=row["resolved"])
    table = Table(
        "staff",
        "Per member of staff",
        [
            "Member of staff",
            "Contacts",
            "Resolved first time",
            "Average handling",
            "Request stages completed",
            "Requests resolved",
        ],
    )
    for person in sorted(people.values(), key=lambda p: (-(p.get("s_total") or 0), p["name"])):
        table.add(
            person["name"],
            num(fmt_int(person.get("s_total") or 0)),
            num(fmt_pct(rate(person.get("s_resolved") or 0, person.get("s_resolved_known") or 0))),
            num(
                fmt_duration(
                    (person.get("s_handling") or 0) / person["s_ended"]
                    if person.get("s_ended")
                    else None
                )
            ),
            num(fmt_int(person.get("moved") or 0)),
            num(fmt_int(person.get("resolved_requests") or 0)),
        )
    team_rows = contact_days(f)
    if not everyone:
        team_rows = team_rows.filter(team_id__in=_viewer_teams(viewer))
    teams = Table(
        "teams",
        "Per team",
        ["Team", "Contacts", "Resolved first time", "Average handling"],
    )
    for row in (
        team_rows.values("team__name")
        .annotate(
            s_total=Sum("total"),
            s_resolved=Sum("resolved"),
            s_resolved_known=Sum("resolved_known"),
            s_ended=Sum("ended"),
            s_handling=Sum("handling_seconds"),
        )
        .order_by("-s_total", "team__name")
    ):
        teams.add(
            row["team__name"] or "No team",
            num(fmt_int(row["s_total"])),
            num(fmt_pct(rate(row["s_resolved"], row["s_resolved_known"]))),
            num(fmt_duration(row["s_handling"] / row["s_ended"] if row["s_ended"] else None)),
        )
    teams.note = "A contact counts for its agent's first team."
    report = Report("staff", "Staff")
    if not everyone:
        report.notes.append("You see the members of your own teams.")
    report.notes.append(
        "Staff figures follow the dates and the team filter (the member of staff's team); "
        "request figures also the service area, channel and process."
    )
    report.tables = [table, teams]
    return report


def staff_days_csv_rows(f, *, viewer):
    """Contacts per member of staff per day over the range, read lazily (the largest CSV)."""
    yield [
        "Day",
        "Member of staff",
        "Contacts",
        "Resolved first time",
        "Ended",
        "Handling seconds",
    ]
    agents = _agents(f, viewer, sees_everyone(viewer))
    rows = (
        StaffDay.objects.filter(
            Q() if agents is None else Q(agent_id__in=agents),
            day__gte=f.date_from,
            day__lte=f.date_to,
        )
        .order_by("day", "agent_id")
        .values_list("day", "agent__username", "total", "resolved", "ended", "handling_seconds")
    )
    for day, username, total, resolved, ended, handling in rows.iterator(chunk_size=5000):
        yield [day.isoformat(), username, total, resolved, ended, handling]
