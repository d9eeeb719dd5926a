"""The timeline panel on the citizen record page (registered in TimelineConfig.ready)."""

from django.template.loader import render_to_string
from django.urls import reverse

from core.refcache import held
from organisation.models import ServiceArea
from timeline.filters import TimelineFilter
from timeline.models import Entry
from timeline.selectors import timeline_feed


def timeline_panel_context(request, citizen) -> dict:
    if not request.user.has_perm("timeline.view_entry"):
        return {}
    # The record page's own view is audited by citizens; the filters then call the feed view,
    # which records each filtered view.
    return {
        "feed": timeline_feed(citizen=citizen, filters={}, limit=10),
        "feed_url": reverse("timeline:citizen_feed", kwargs={"pk": citizen.pk}),
        "query": "",
        "query_no_kind": "",
        "in_panel": True,
        "blank_filters": _blank_filters(),
    }


def _blank_filters() -> dict:
    """The filter fields before and after the member-of-staff select (whose choices are this
    citizen's) as the tab shows them, unfilled: the same on every record, so rendered once per
    process and kept under core.refcache's generation (the service areas are a kept list)."""

    def build():
        form = TimelineFilter({}, queryset=Entry.objects.none()).form
        return {
            part: render_to_string(f"timeline/citizen_feed.html#{part}", {"form": form})
            for part in ("before_actor", "after_actor")
        }

    return held(("timeline tab blank filters",), build, models=[ServiceArea])
