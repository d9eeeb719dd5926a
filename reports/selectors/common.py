"""Pieces every report selector shares: the daily summaries narrowed by the report's filters."""

from reports.models import ContactDay, ContactHour, RequestDay, StageBand
from requests_tracking.models import Process


def _process_contact_types(process):
    """The contact types that start a process (any of its versions, by code)."""
    return Process.contact_types.through.objects.filter(process__code=process.code).values(
        "contacttype_id"
    )


def contact_days(f, *, date_from=None, model=ContactDay):
    """Summary rows for the report's filters (days from `date_from`, default the range's):
    `ContactDay`, or another contact summary with the same filter columns."""
    rows = model.objects.filter(day__gte=date_from or f.date_from, day__lte=f.date_to)
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


def request_days(f, *, model=RequestDay, date_from=None):
    """Request summary rows (`RequestDay`, `StageBand`) for the report's filters."""
    rows = model.objects.filter(day__gte=date_from or f.date_from, day__lte=f.date_to)
    if f.service_area:
        rows = rows.filter(service_area_id=f.service_area.pk)
    if f.channel:
        rows = rows.filter(channel_id=f.channel.pk)
    if f.team:
        rows = rows.filter(team_id=f.team.pk)
    if f.process:
        code = "stage__process__code" if model is StageBand else "process__code"
        rows = rows.filter(**{code: f.process.code})
    return rows


def contact_hours(f):
    """Heat-map summary rows (the process filter does not narrow these: no contact type)."""
    rows = ContactHour.objects.filter(day__gte=f.date_from, day__lte=f.date_to)
    for name in ("channel", "service_area", "location", "team"):
        value = getattr(f, name)
        if value is not None:
            rows = rows.filter(**{f"{name}_id": value.pk})
    return rows
