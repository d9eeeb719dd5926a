from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from audit.models import AuditEvent
from audit.services import audit_record
from citizens.models import Citizen
from timeline.selectors import BadCursor, timeline_feed


@permission_required(["timeline.view_entry", "citizens.view_citizen"], raise_exception=True)
def citizen_feed(request, pk):
    """A citizen's activity feed: filters, counts per kind and "load more", all via htmx."""
    citizen = get_object_or_404(Citizen, pk=pk)
    if citizen.merged_into_id:
        messages.info(
            request,
            f"{citizen.reference} was merged into another record: showing that record's timeline.",
        )
        url = reverse("timeline:citizen_feed", kwargs={"pk": citizen.merged_into_id})
        query = request.GET.urlencode()
        return redirect(f"{url}?{query}" if query else url)
    after = request.GET.get("after") or None
    try:
        feed = timeline_feed(citizen=citizen, filters=request.GET, after=after)
    except BadCursor:
        after = None
        feed = timeline_feed(citizen=citizen, filters=request.GET)
    if not after:  # "load more" pages are part of a view already recorded
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.VIEW,
            obj=citizen,
            request=request,
            detail={"page": "timeline", **_applied_filters(request.GET)},
        )
    context = {
        "citizen": citizen,
        "feed": feed,
        "after": after,
        "feed_url": reverse("timeline:citizen_feed", kwargs={"pk": citizen.pk}),
        "record_url": _record_url(citizen),
        "query": _query(request.GET),
        "query_no_kind": _query(request.GET, drop=("after", "kind")),
    }
    template = "timeline/citizen_feed.html"
    if request.htmx:
        if after:
            template += "#more"
        elif request.htmx.target == "timeline-page":
            template += "#page"
        else:
            template += "#results"
    response = render(request, template, context)
    return response


def _applied_filters(params) -> dict:
    applied = {
        k: params.getlist(k) for k in params if k not in ("after",) and any(params.getlist(k))
    }
    return {"filters": applied} if applied else {}


def _query(params, drop=("after",)) -> str:
    """The current filters as a query string, without the page position."""
    copy = params.copy()
    for name in drop:
        copy.pop(name, None)
    return copy.urlencode()


def _record_url(citizen) -> str:
    return reverse("citizens:detail", kwargs={"pk": citizen.pk})
