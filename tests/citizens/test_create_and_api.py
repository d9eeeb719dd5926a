import datetime

import pytest
from rest_framework.test import APIClient

from citizens.models import Citizen
from tests.factories.citizens import AddressFactory, CitizenFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(agent):
    client = APIClient()
    client.force_authenticate(agent)
    return client


def test_create_without_email_needs_a_reason(agent_client):
    response = agent_client.post("/citizens/new/", {"last_name": "Solo"})
    assert b"say why there is no email address" in response.content
    response = agent_client.post(
        "/citizens/new/", {"last_name": "Solo", "no_contact_details_reason": "No email"}
    )
    assert response.status_code == 302


def test_create_lists_duplicates_and_needs_confirmation(agent_client):
    existing = CitizenFactory(
        first_name="Mary", last_name="Poppins", date_of_birth=datetime.date(1970, 1, 1)
    )
    form = {
        "first_name": "Marry",
        "last_name": "Poppins",
        "date_of_birth": "01/01/1970",
        "no_contact_details_reason": "None",
    }
    response = agent_client.post("/citizens/new/", form)
    assert response.status_code == 200
    assert existing.reference.encode() in response.content
    assert b"Same name and date of birth" in response.content
    assert b"First names nearly the same (Marry / Mary)" in response.content
    response = agent_client.post(
        "/citizens/new/", form | {"confirm_step": "1", "confirm_new": "on"}
    )
    assert b"Say how you know this is a new person" in response.content
    response = agent_client.post(
        "/citizens/new/",
        form | {"confirm_step": "1", "confirm_new": "on", "new_person_reason": "Different mother"},
    )
    assert response.status_code == 302
    assert Citizen.objects.get(first_name="Marry").new_person_reason == "Different mother"


def test_api_search_returns_ranked_results(api):
    john = CitizenFactory(first_name="John", last_name="Smith")
    CitizenFactory(first_name="Jane", last_name="Smithson")
    body = api.get("/api/v1/citizens/", {"q": "Jon Smyth"}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["results"][0]["id"] == john.pk
    assert "version" in body["results"][0]


def test_api_create_201(api):
    response = api.post(
        "/api/v1/citizens/",
        {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "date_of_birth": "1985-12-10",
            "email": "ada@example.com",
            "phone": "07700 900 555",
            "address_line_1": "1 Road",
            "postcode": "sw1a1aa",
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["postcode"] == "SW1A 1AA"
    assert body["phone"] == "+447700900555"
    assert body["version"] == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"last_name": "X", "email": "not-an-email"}, "email"),
        ({"last_name": "X", "postcode": "NOPE"}, "postcode"),
        ({"last_name": "X", "date_of_birth": "2001-02-30"}, "date_of_birth"),
        ({"last_name": "X", "favourite_colour": "blue"}, "favourite_colour"),
        ({"last_name": ["X"]}, "last_name"),
        ({"first_name": "No last name"}, "last_name"),
    ],
)
def test_api_create_400_with_message_per_field(api, body, field):
    response = api.post("/api/v1/citizens/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_api_create_409_then_confirm_new(api):
    existing = CitizenFactory(
        first_name="Ada", last_name="Lovelace", date_of_birth=datetime.date(1985, 12, 10)
    )
    body = {"first_name": "Ada", "last_name": "Lovelace", "date_of_birth": "1985-12-10"}
    response = api.post("/api/v1/citizens/", body, format="json")
    assert response.status_code == 409
    assert response.json()["candidates"][0]["id"] == existing.pk
    assert response.json()["candidates"][0]["match_reasons"]
    response = api.post(
        "/api/v1/citizens/", body | {"confirm_new": True, "reason": "Checked"}, format="json"
    )
    assert response.status_code == 201


def test_api_patch_with_stale_version_409(api):
    c = CitizenFactory(last_name="Before")
    AddressFactory(citizen=c)
    ok = api.patch(
        f"/api/v1/citizens/{c.pk}/", {"last_name": "After", "version": 1}, format="json"
    )
    assert ok.status_code == 200
    assert ok.json()["version"] == 2
    stale = api.patch(
        f"/api/v1/citizens/{c.pk}/", {"last_name": "Again", "version": 1}, format="json"
    )
    assert stale.status_code == 409
    assert stale.json()["current"]["last_name"] == "After"
    bad = api.patch(f"/api/v1/citizens/{c.pk}/", {"postcode": "zzz", "version": 2}, format="json")
    assert bad.status_code == 400
    assert "postcode" in bad.json()


def test_api_notes_and_duplicates(api):
    c = CitizenFactory()
    created = api.post(f"/api/v1/citizens/{c.pk}/notes/", {"text": "Hello"}, format="json")
    assert created.status_code == 201
    assert (
        api.post(f"/api/v1/citizens/{c.pk}/notes/", {"text": ""}, format="json").status_code == 400
    )
    assert api.get(f"/api/v1/citizens/{c.pk}/notes/").json()["count"] == 1
    assert api.get(f"/api/v1/citizens/{c.pk}/duplicates/").json()["count"] == 0


def test_api_needs_a_token():
    assert APIClient().get("/api/v1/citizens/?q=x").status_code == 401
