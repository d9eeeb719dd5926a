"""The reports section: one page per report, the same filters on each, CSV of any table."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from audit.models import AuditEvent
from audit.services import audit_record
from core.csv_export import csv_response
from reports.filters import ReportFilterSet
from reports.selectors.channel_shift import channel_shift_report
from reports.selectors.contacts import contacts_report
from reports.selectors.knowledge import knowledge_report
from reports.selectors.requests import requests_report
from reports.selectors.staff import staff_days_csv_rows, staff_report
from reports.summary import summaries_ensure_fresh

PERMISSION = "contacts.view_reports"  # team leaders and administrators

SECTIONS = [
    ("contacts", "Contacts"),
    ("requests", "Requests and SLAs"),
    ("channel-shift", "Channel shift"),
    ("staff", "Staff"),
    ("knowledge", "Knowledge and forms"),
]
BUILDERS = {
    "contacts": lambda f, user: contacts_report(f),
    "requests": lambda f, user: requests_report(f),
    "channel-shift": lambda f, user: channel_shift_report(f),
    "staff": lambda f, user: staff_report(f, viewer=user),
    "knowledge": lambda f, user: knowledge_report(f),
}
TITLES = dict(SECTIONS)


@permission_required(PERMISSION, raise_exception=True)
def index(request):
    query = request.GET.urlencode()
    return redirect(reverse("reports:report", args=["contacts"]) + (f"?{query}" if query else ""))


@permission_required(PERMISSION, raise_exception=True)
def report_view(request, key):
    if key not in BUILDERS:
        raise Http404("No such report")
    filterset = ReportFilterSet(request.GET)
    filters = filterset.filters_or_none()
    context = {
        "key": key,
        "title": TITLES[key],
        "sections": SECTIONS,
        "filter": filterset,
        "report": None,
        "query": "",
    }
    if filters is not None:
        fresh = summaries_ensure_fresh()
        context["query"] = urlencode(filters.query)
        wanted = request.GET.get("csv")
        if wanted == "staff_days" and key == "staff":
            _audit_export(request, key, wanted, filters)
            name = f"staff-days-{filters.date_from:%Y%m%d}-{filters.date_to:%Y%m%d}.csv"
            return csv_response(
                rows=staff_days_csv_rows(filters, viewer=request.user), filename=name
            )
        report = BUILDERS[key](filters, request.user)
        if wanted:
            table = report.table(wanted)
            if table is None:
                raise Http404("No such table in this report")
            _audit_export(request, key, wanted, filters)
            name = f"{key}-{wanted}-{filters.date_from:%Y%m%d}-{filters.date_to:%Y%m%d}.csv"
            return csv_response(rows=table.csv_rows(), filename=name.replace("_", "-"))
        context.update(report=report, filters=filters, fresh=fresh)
    template = "reports/report.html"
    if request.htmx:
        template += "#report_body"
    return render(request, template, context)


def _audit_export(request, key, table, filters):
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        detail={"report": key, "table": table, "filters": filters.query},
        request=request,
    )
