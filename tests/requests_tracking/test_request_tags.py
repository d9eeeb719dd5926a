"""The status and SLA tags rendered in Python give the same markup as their includes."""

import itertools
from datetime import UTC, datetime

import pytest
from django.template import engines

from requests_tracking.models import Request

INCLUDES = (
    '{% include "requests_tracking/_status_tag.html" %}|'
    '{% include "requests_tracking/_sla_tag.html" %}'
)
TAGS = "{% load request_tags %}{% status_tag r %}|{% sla_tag r %}"


@pytest.mark.parametrize(
    ("status", "sla_state", "breached_at"),
    list(
        itertools.product(
            Request.Status.values,
            Request.SlaState.values,
            [None, datetime(2026, 3, 31, 23, 30, tzinfo=UTC)],  # 1 April in London
        )
    ),
)
def test_tags_render_like_their_includes(status, sla_state, breached_at):
    r = Request(status=status, sla_state=sla_state, breached_at=breached_at)
    django = engines["django"]
    expected = django.from_string(INCLUDES).render({"r": r})
    assert django.from_string(TAGS).render({"r": r}) == expected


@pytest.mark.django_db
def test_kept_filter_markup_follows_the_choices_and_the_values(officer_client, process):
    """The request list's filters are kept per process for choice-only values: a process
    renamed shows on the next list, and each set of values keeps its own selections."""
    officer_client.get("/requests/", {"status": "live", "sort": "urgent"})
    process.name = "Renamed collection"
    process.save()
    live = officer_client.get("/requests/", {"status": "live", "sort": "urgent"}).text
    assert "Renamed collection" in live
    assert '<option value="live" selected>' in live
    resolved = officer_client.get("/requests/", {"status": "resolved", "sort": "urgent"}).text
    assert '<option value="resolved" selected>' in resolved
    assert '<option value="live" selected>' not in resolved
    typed = officer_client.get("/requests/", {"q": "REQ-2026", "status": "live"}).text
    assert 'value="REQ-2026"' in typed
