"""The timeline panel on the citizen record page (registered in TimelineConfig.ready)."""

from django.urls import reverse

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
    }
