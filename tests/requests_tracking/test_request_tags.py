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
