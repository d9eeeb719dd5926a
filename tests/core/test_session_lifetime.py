"""Sessions end SESSION_COOKIE_AGE after sign-in however busy the member of staff is (requests
never extend it), end after SESSION_IDLE_TIMEOUT without a request, and are not written on
every request."""

import pytest
from django.conf import settings
from django.urls import reverse

from core import middleware
from tests.factories import StaffFactory
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db

START = 1_900_000_000


@pytest.fixture
def clock(monkeypatch):
    """The middleware's and sign-in's clock, moved by the test: clock.now = ..."""

    class Clock:
        now = START

    monkeypatch.setattr(middleware.time, "time", lambda: Clock.now)
    return Clock


@pytest.fixture
def signed_in(client, clock):
    staff = StaffFactory(username="jo")
    response = client.post(reverse("accounts:login"), {"username": "jo", "password": PASSWORD})
    assert response.status_code == 302
    return staff


def test_sign_in_stores_when_the_session_started(client, signed_in):
    assert client.session["signed_in_at"] == START
    assert client.session["last_activity"] == START


def test_a_busy_session_still_ends_at_its_absolute_lifetime(client, clock, signed_in):
    step = settings.SESSION_IDLE_TIMEOUT - 60  # always inside the idle timeout
    while clock.now + step < START + settings.SESSION_COOKIE_AGE:
        clock.now += step
        assert client.get("/").status_code == 200
    clock.now = START + settings.SESSION_COOKIE_AGE
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    page = client.get(response["Location"]).text
    assert "You were signed out because you had been signed in for 10 hours" in page
    assert "the longest a session lasts" in page
    assert client.get("/").status_code == 302  # really signed out


def test_idle_timeout_still_signs_out(client, clock, signed_in):
    clock.now += settings.SESSION_IDLE_TIMEOUT + 1
    response = client.get("/")
    assert response.status_code == 302
    page = client.get(response["Location"]).text
    assert "because you had not done anything for a while" in page


def test_the_session_is_not_saved_on_every_request(client, clock, signed_in):
    clock.now += 61
    first = client.get("/")  # more than a minute since the last write: refreshed
    assert settings.SESSION_COOKIE_NAME in first.cookies
    assert client.session["last_activity"] == START + 61
    clock.now += 30
    second = client.get("/")  # within the minute: nothing changes, nothing written
    assert second.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in second.cookies
    assert client.session["last_activity"] == START + 61


def test_a_session_from_before_the_rule_gets_its_lifetime_from_now(client, clock):
    client.force_login(StaffFactory(username="old"))
    session = client.session
    del session["signed_in_at"]
    session.save()
    assert client.get("/").status_code == 200
    assert client.session["signed_in_at"] == START
