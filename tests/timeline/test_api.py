import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from audit.models import AuditEvent
from tests.factories import EntryFactory, ServiceAreaFactory, StaffFactory
from tests.factories.accounts import api_token_for
from tests.timeline import builders as make
from timeline.models import Kind

pytestmark = pytest.mark.django_db


def at(day):
    return timezone.make_aware(datetime.datetime(2026, 3, day, 12, 0))


@pytest.fixture
def api(db):
    user = StaffFactory(role=Role.AGENT)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    client.user = user
    return client


def url(citizen):
    return f"/api/v1/citizens/{citizen.pk}/timeline/"


def test_returns_the_feed_newest_first_with_what_each_entry_needs(api):
    person = make.citizen()
    area = ServiceAreaFactory(name="Highways")
    officer = StaffFactory(first_name="Olive", last_name="Officer")
    old = EntryFactory(
        citizen=person,
        occurred_at=at(1),
        kind=Kind.NOTE_ADDED,
        actor=officer,
        service_area=area,
        summary="Note: pothole outside number 4",
    )
    new = EntryFactory(
        citizen=person,
        occurred_at=at(2),
        kind=Kind.CONTACT_ENDED,
        actor=None,
        actor_type="system",
        summary="Closed",
    )
    response = api.get(url(person))
    assert response.status_code == 200
    body = response.json()
    assert [e["id"] for e in body["results"]] == [new.pk, old.pk]
    first, second = body["results"]
    assert first["actor"] == {"type": "system", "id": None, "name": "System"}
    assert first["service_area"] is None
    assert second["kind"] == "note_added"
    assert second["summary"] == "Note: pothole outside number 4"
    assert second["actor"] == {"type": "staff", "id": officer.pk, "name": "Olive Officer"}
    assert second["service_area"] == {"id": area.pk, "name": "Highways", "slug": "highways"}
    assert second["occurred_at"].startswith("2026-03-01T12:00:00")
    assert set(second) >= {"kind", "occurred_at", "summary", "actor", "service_area", "link"}
    assert "next" in body


def test_filters_as_query_parameters(api):
    person = make.citizen()
    area = ServiceAreaFactory()
    actor = StaffFactory()
    EntryFactory(citizen=person, occurred_at=at(1), kind=Kind.NOTE_ADDED)
    hit = EntryFactory(
        citizen=person,
        occurred_at=at(5),
        kind=Kind.CONTACT_ENDED,
        service_area=area,
        actor=actor,
        summary="Missed bin again",
    )
    EntryFactory(citizen=person, occurred_at=at(9), kind=Kind.CONTACT_STARTED)
    for params in [
        {"kind": "contact_ended"},
        {"kind": "contacts", "since": "2026-03-02", "until": "2026-03-06"},
        {"service_area": area.pk},
        {"actor": actor.pk},
        {"q": "missed"},
    ]:
        results = api.get(url(person), params).json()["results"]
        assert [e["id"] for e in results] == [hit.pk], params


def test_bad_filter_is_a_400_saying_which(api):
    person = make.citizen()
    response = api.get(url(person), {"since": "yesterday", "kind": "nope"})
    assert response.status_code == 400
    assert set(response.json()) == {"since", "kind"}


def test_cursor_pagination_walks_every_entry_once(api):
    person = make.citizen()
    made = [EntryFactory(citizen=person, occurred_at=at(1 + n % 3)) for n in range(12)]
    seen, next_url = [], url(person) + "?page_size=5"
    while next_url:
        body = api.get(next_url).json()
        seen += [e["id"] for e in body["results"]]
        EntryFactory(citizen=person, occurred_at=timezone.now())  # arrives between pages
        next_url = body["next"]
    assert sorted(seen) == sorted(e.pk for e in made)
    assert len(seen) == len(set(seen))


def test_needs_a_token_and_the_permission(db):
    person = make.citizen()
    assert APIClient().get(url(person)).status_code == 401
    nobody = StaffFactory()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(nobody)}")
    assert client.get(url(person)).status_code == 403


def test_unknown_citizen_is_404(api):
    assert api.get("/api/v1/citizens/987654/timeline/").status_code == 404


def test_reading_the_timeline_through_the_api_is_audited(api):
    person = make.citizen()
    api.get(url(person), {"kind": "notes"})
    event = AuditEvent.objects.get(citizen=person)
    assert event.actor == api.user
    assert event.action == "view"
    assert event.detail == {"page": "timeline API", "filters": {"kind": ["notes"]}}


def test_schema_documents_the_endpoint(api):
    response = api.get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"/api/v1/citizens/{id}/timeline/" in response.content
