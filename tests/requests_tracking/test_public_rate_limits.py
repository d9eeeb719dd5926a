"""Public pages are rate limited per client address (core.ratelimit), with a plain 429 page:
tracking links (pages, posts, guessing), the "already reported?" follow, the address search;
tracking-page views are audited once per link per hour."""

import pytest
from django.test import Client

from audit.models import AuditEvent
from core import ratelimit
from requests_tracking.public_links import tracking_path

pytestmark = pytest.mark.django_db

OTHER = "198.51.100.7"


@pytest.fixture
def public():
    return Client()


@pytest.fixture
def tracked(raise_request):
    return raise_request()


def test_guessing_tracking_links_is_stopped_after_a_burst(public, tracked, settings):
    settings.TRACKING_RATE_LIMIT_GUESSES = 3
    for n in range(3):
        assert public.get(f"/track/not-a-real-link-{n}/").status_code == 404
    refused = public.get("/track/not-a-real-link-9/")
    assert refused.status_code == 429
    assert "too many tries" in refused.text
    wait = int(refused["Retry-After"])
    # The guesses slide out of the hour's window: a third of the way into the next hour at most.
    assert 1200 < wait <= 4800
    assert f"Wait {ratelimit.wait_words(wait)} and try again" in refused.text
    # Past the guesses, even a real link waits: the limit is on the address, not the link.
    assert public.get(tracking_path(tracked)).status_code == 429
    assert public.get(tracking_path(tracked), REMOTE_ADDR=OTHER).status_code == 200


def test_real_links_do_not_count_as_guesses(public, tracked, settings):
    settings.TRACKING_RATE_LIMIT_GUESSES = 2
    for _ in range(5):
        assert public.get(tracking_path(tracked)).status_code == 200


def test_tracking_posts_are_limited_per_address(public, tracked, settings):
    settings.TRACKING_RATE_LIMIT_POSTS = 2
    follow = tracking_path(tracked) + "follow/"
    for _ in range(2):
        assert public.post(follow, {"email": "not an email"}).status_code == 200
    refused = public.post(follow, {"email": "jo@example.com"})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert public.get(tracking_path(tracked)).status_code == 200  # pages still open
    assert public.post(follow, {"email": "not an email"}, REMOTE_ADDR=OTHER).status_code == 200


def test_tracking_pages_are_limited_per_address(public, tracked, settings):
    settings.TRACKING_RATE_LIMIT_PAGES = 3
    assert [public.get(tracking_path(tracked)).status_code for _ in range(4)] == [
        200,
        200,
        200,
        429,
    ]


def test_tracking_page_views_are_audited_once_per_link_per_hour(
    public, tracked, raise_request, monkeypatch
):
    def views(service_request):
        return AuditEvent.objects.filter(
            action="view",
            object_type="requests_tracking.request",
            object_id=str(service_request.pk),
        ).count()

    for _ in range(5):
        assert public.get(tracking_path(tracked)).status_code == 200
    assert views(tracked) == 1
    other = raise_request()
    public.get(tracking_path(other))
    assert views(other) == 1
    later = ratelimit._now() + 3600
    monkeypatch.setattr(ratelimit, "_now", lambda: later)
    public.get(tracking_path(tracked))
    public.get(tracking_path(tracked))
    assert views(tracked) == 2


def test_already_reported_follow_is_limited_per_address(public, settings):
    settings.REPORTED_RATE_LIMIT_FOLLOWS = 2
    data = {"reference": "NOPE-1", "email": "jo@example.com", "back": "/reported/"}
    for _ in range(2):
        assert public.post("/reported/follow/", data).status_code == 302
    refused = public.post("/reported/follow/", data)
    assert refused.status_code == 429
    assert "too many tries" in refused.text
    assert public.post("/reported/follow/", data, REMOTE_ADDR=OTHER).status_code == 302


def test_public_address_search_is_limited_per_address(public, settings):
    settings.ADDRESS_SEARCH_RATE_LIMIT_PER_MINUTE = 2
    for _ in range(2):
        assert public.get("/public/places/addresses/", {"q": "high st"}).status_code == 200
    refused = public.get("/public/places/addresses/", {"q": "high st"})
    assert refused.status_code == 429
    assert "too many address searches" in refused.text
    assert int(refused["Retry-After"]) >= 1
