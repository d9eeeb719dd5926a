"""The contacts API refuses contacts in the future, implausibly old or implausibly long
(CONTACT_MAX_AGE_DAYS, CONTACT_MAX_DURATION_MINUTES), with 400 and a message per field."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contacts.models import Contact
from tests.contacts.test_api import api, body  # noqa: F401  (the API client fixture)

pytestmark = pytest.mark.django_db


def _iso(when):
    return when.isoformat()


def _post(api, ref, **times):  # noqa: F811
    return api.post("/api/v1/contacts/", body(ref, **times), format="json")


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        (timedelta(hours=2), None, "started_at", "started_at is in the future"),
        (timedelta(minutes=-10), timedelta(hours=1), "ended_at", "ended_at is in the future"),
        (
            timedelta(days=-400),
            timedelta(days=-400, minutes=10),
            "started_at",
            "more than 365 days ago",
        ),
        (
            timedelta(hours=-10),
            timedelta(hours=-1),
            "ended_at",
            "cannot last more than 480 minutes",
        ),
        (timedelta(hours=-9), None, "ended_at", "cannot last more than 480 minutes"),
    ],
)
def test_implausible_times_are_refused_with_a_field_error(api, ref, start, end, field, message):  # noqa: F811
    now = timezone.now()
    times = {"started_at": _iso(now + start)}
    if end is not None:
        times["ended_at"] = _iso(now + end)
    response = _post(api, ref, **times)
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert not Contact.objects.exists()


def test_the_limits_are_settings(api, ref, settings):  # noqa: F811
    settings.CONTACT_MAX_AGE_DAYS = 2
    settings.CONTACT_MAX_DURATION_MINUTES = 30
    now = timezone.now()
    old = _post(
        api, ref, started_at=_iso(now - timedelta(days=3)), ended_at=_iso(now - timedelta(days=3))
    )
    assert "more than 2 days ago" in " ".join(old.json()["started_at"])
    long = _post(api, ref, started_at=_iso(now - timedelta(minutes=45)), ended_at=_iso(now))
    assert "more than 30 minutes" in " ".join(long.json()["ended_at"])


def test_plausible_times_are_recorded_including_a_small_clock_difference(api, ref):  # noqa: F811
    now = timezone.now()
    yesterday = _post(
        api,
        ref,
        started_at=_iso(now - timedelta(days=1)),
        ended_at=_iso(now - timedelta(days=1) + timedelta(minutes=479)),
    )
    assert yesterday.status_code == 201, yesterday.content
    ahead = _post(
        api,
        ref,
        started_at=_iso(now + timedelta(minutes=2)),
        ended_at=_iso(now + timedelta(minutes=3)),
    )
    assert ahead.status_code == 201, ahead.content
    assert Contact.objects.count() == 2


def test_the_schema_documents_the_limits(api):  # noqa: F811
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    post = schema["paths"]["/api/v1/contacts/"]["post"]
    assert "CONTACT_MAX_DURATION_MINUTES" in post["description"]
    assert "400" in post["responses"]
    request_body = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][request_body.rsplit("/", 1)[1]]
    assert "CONTACT_MAX_AGE_DAYS" in component["properties"]["started_at"]["description"]
    assert "CONTACT_MAX_DURATION_MINUTES" in component["properties"]["ended_at"]["description"]
