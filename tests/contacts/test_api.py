from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from contacts.models import Contact
from tests.contacts.conftest import new_citizen
from tests.factories import StaffFactory
from tests.factories.accounts import api_token_for
from tests.factories.contacts import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(agent):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(agent)}")
    return client


def body(ref, **changes):
    data = {
        "citizen": None,
        "channel": "phone",
        "location": ref.contact_centre.pk,
        "service_area": ref.waste.pk,
        "contact_type": ref.missed_bin.pk,
        "outcome": ref.resolved.pk,
        "avoidable": False,
        "avoidable_reason": None,
        "resolved_at_first_contact": True,
        "notes": "Logged by telephony",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != "<omit>"}


@pytest.mark.parametrize(
    ("path", "names"),
    [
        ("/api/v1/service-areas/", {"Waste Management", "Council Tax"}),
        ("/api/v1/contact-types/", {"Missed bin", "Balance enquiry"}),
        ("/api/v1/outcomes/", {"Resolved", "Signposted"}),
        ("/api/v1/locations/", {"Contact centre"}),
    ],
)
def test_reference_lists(api, ref, path, names):
    response = api.get(path, {"page_size": 100})
    assert response.status_code == 200
    assert {"count", "next", "previous", "results"} <= set(response.json())
    listed = {row["name"] for row in response.json()["results"]}
    assert response.json()["next"] is None, "every row fits on one page of 100"
    assert names <= listed
    assert "Not recorded" not in listed


def test_contact_types_carry_their_service_area(api, ref):
    rows = api.get("/api/v1/contact-types/", {"service_area": ref.waste.pk}).json()["results"]
    assert {"id", "name", "service_area"} <= set(rows[0])
    assert {r["service_area"] for r in rows} == {ref.waste.pk}


def test_post_contact_201(api, agent, ref):
    citizen = new_citizen()
    # A recent past morning: contacts older than a year are refused, so no fixed date.
    day = (timezone.now() - timedelta(days=30)).date()
    started = f"{day.isoformat()}T09:00:00Z"
    response = api.post(
        "/api/v1/contacts/",
        body(
            ref,
            citizen=citizen.pk,
            started_at=started,
            ended_at=f"{day.isoformat()}T09:07:00Z",
            avoidable=True,
            avoidable_reason=ref.chasing.pk,
        ),
        format="json",
    )
    assert response.status_code == 201, response.json()
    contact = Contact.objects.get(pk=response.json()["id"])
    assert contact.citizen == citizen
    assert contact.agent == agent
    assert contact.channel.code == "phone"
    assert contact.status == Contact.Status.ENDED
    assert contact.started_at == datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)
    assert response.json()["channel"] == "phone"


def test_post_anonymous_contact_201(api, ref):
    response = api.post("/api/v1/contacts/", body(ref, channel="webchat"), format="json")
    assert response.status_code == 201
    assert response.json()["citizen"] is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"channel": "pigeon"}, "channel", "“pigeon” is not a channel code"),
        ({"channel": "<omit>"}, "channel", "Enter the channel code"),
        ({"location": "<omit>"}, "location", "Enter the location."),
        ({"outcome": 999999}, "outcome", "There is no outcome with id 999999."),
        ({"contact_type": "<omit>"}, "contact_type", "Enter the contact type."),
        ({"avoidable": "<omit>"}, "avoidable", "Say whether the contact was avoidable"),
        ({"avoidable": True}, "avoidable_reason", "Give the avoidable reason"),
        ({"citizen": 999999}, "citizen", "There is no citizen with id 999999."),
        ({"started_at": "yesterday"}, "started_at", "ISO 8601"),
        (
            {"started_at": "2026-03-02T10:00:00Z", "ended_at": "2026-03-02T09:00:00Z"},
            "ended_at",
            "after started_at",
        ),
    ],
)
def test_post_contact_400_says_what_is_wrong(api, ref, changes, field, message):
    response = api.post("/api/v1/contacts/", body(ref, **changes), format="json")
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert not Contact.objects.exists()


def test_post_contact_type_outside_service_area_400(api, ref):
    response = api.post("/api/v1/contacts/", body(ref, contact_type=ref.balance.pk), format="json")
    assert response.status_code == 400
    assert response.json()["contact_type"] == [
        "“Balance enquiry” is not a contact type of Waste Management."
    ]


def test_get_contacts_for_a_citizen_with_filters(api, ref):
    citizen = new_citizen()
    mine = ContactFactory(
        ended=True, citizen=citizen, channel=ref.phone, location=ref.contact_centre
    )
    ContactFactory(ended=True, citizen=citizen, channel=ref.face_to_face, location=ref.reception)
    ContactFactory(
        ended=True, citizen=new_citizen(), channel=ref.phone, location=ref.contact_centre
    )
    response = api.get("/api/v1/contacts/", {"citizen": citizen.pk})
    assert response.json()["count"] == 2
    response = api.get("/api/v1/contacts/", {"citizen": citizen.pk, "channel": ref.phone.pk})
    assert [r["id"] for r in response.json()["results"]] == [mine.pk]


def test_get_contacts_with_bad_filter_400(api):
    response = api.get("/api/v1/contacts/", {"date_from": "soon"})
    assert response.status_code == 400
    assert "Enter a real date" in response.json()["date_from"][0]


def test_api_needs_a_token(ref):
    assert APIClient().get("/api/v1/contacts/").status_code == 401


def test_service_officer_can_read_but_not_record(ref):
    officer = StaffFactory(role=Role.SERVICE_OFFICER)
    client = APIClient()
    client.force_authenticate(officer)
    assert client.get("/api/v1/contacts/").status_code == 200
    assert client.post("/api/v1/contacts/", body(ref), format="json").status_code == 403


def test_schema_documents_the_contacts_api(api):
    response = api.get("/api/v1/schema/")
    text = response.content.decode()
    for path in [
        "/api/v1/contacts/",
        "/api/v1/contact-types/",
        "/api/v1/outcomes/",
        "/api/v1/service-areas/",
        "/api/v1/locations/",
    ]:
        assert path in text
