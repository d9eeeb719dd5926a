"""PUT /api/v1/service-accounts/{system}/{reference}/: upsert by the back office's reference."""

import pytest
from rest_framework.test import APIClient

from citizens.models import Citizen
from integration.models import ClientSystem, ServiceAccountSync
from integration.services import client_system_save, client_system_token_issue
from tests.factories import AddressFactory, CitizenFactory
from verification.models import SecurityAnswer, ServiceAccount

pytestmark = pytest.mark.django_db

URL = "/api/v1/service-accounts/revs/CT-0001234/"


@pytest.fixture
def revs(administrator, reference_data):
    system = client_system_save(
        actor=administrator,
        system=ClientSystem(
            name="Revenues",
            slug="revs",
            access="read_write",
            service_account_kinds=["council_tax"],
        ),
    )
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Token {client_system_token_issue(actor=administrator, system=system)}"
    )
    return system, client


def body(citizen, **extra):
    return {
        "kind": "council_tax",
        "citizen_reference": citizen.reference,
        "snapshot": {"band": "C", "balance": "120.50", "next_instalment_date": "2026-12-01"},
        "security_answers": {"property_postcode": "SW1A 1AA", "last_payment": "45.00"},
        **extra,
    }


def test_create_then_update_by_reference(revs):
    _, client = revs
    citizen = CitizenFactory()
    created = client.put(URL, body(citizen), format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["citizen"] == {"id": citizen.pk, "reference": citizen.reference}
    assert data["link"] == "reference"
    assert data["version"] == 1
    assert created["ETag"] == 'W/"1"'
    assert data["questions_answered"] == ["last_payment", "property_postcode"]
    assert "security_answers" not in data
    assert "SW1A" not in created.content.decode()  # answers never come back
    stored = SecurityAnswer.objects.get(question="property_postcode").answer_hash
    assert "SW1A" not in stored
    updated = client.put(
        URL,
        {"kind": "council_tax", "snapshot": {"band": "C", "balance": "0.00"}, "version": 1},
        format="json",
    )
    assert updated.status_code == 200
    assert updated.json()["version"] == 2
    assert ServiceAccount.objects.get().snapshot == {"band": "C", "balance": "0.00"}
    from timeline.models import Entry

    assert list(
        Entry.objects.filter(citizen=citizen, kind="service_account_synced")
        .order_by("id")
        .values_list("summary", flat=True)
    ) == [
        "Revenues linked Council tax account CT-0001234",
        "Revenues updated Council tax account CT-0001234",
    ]


def test_stale_version_is_409_and_stale_if_match_is_412(revs):
    _, client = revs
    citizen = CitizenFactory()
    client.put(URL, body(citizen), format="json")
    client.put(URL, {"kind": "council_tax", "description": "A", "version": 1}, format="json")
    stale = client.put(
        URL, {"kind": "council_tax", "description": "B", "version": 1}, format="json"
    )
    assert stale.status_code == 409
    assert stale.json()["current"]["version"] == 2
    precondition = client.put(
        URL, {"kind": "council_tax", "description": "C"}, format="json", HTTP_IF_MATCH='W/"1"'
    )
    assert precondition.status_code == 412
    assert ServiceAccount.objects.get().description == "A"
    ok = client.put(
        URL, {"kind": "council_tax", "description": "D"}, format="json", HTTP_IF_MATCH='W/"2"'
    )
    assert ok.status_code == 200


def test_same_idempotency_key_twice_is_one_change(revs):
    _, client = revs
    citizen = CitizenFactory()
    first = client.put(URL, body(citizen), format="json", HTTP_IDEMPOTENCY_KEY="sync-1")
    again = client.put(URL, body(citizen), format="json", HTTP_IDEMPOTENCY_KEY="sync-1")
    assert first.status_code == again.status_code == 201
    assert ServiceAccountSync.objects.get().version == 1
    other = client.put(
        URL, body(citizen, description="x"), format="json", HTTP_IDEMPOTENCY_KEY="sync-1"
    )
    assert other.status_code == 422


def test_unknown_person_is_created_and_similar_person_goes_to_review(revs):
    _, client = revs
    new = client.put(
        URL,
        {
            "kind": "council_tax",
            "person": {
                "first_name": "Nia",
                "last_name": "Brightwater",
                "date_of_birth": "1984-04-04",
            },
        },
        format="json",
    )
    assert new.status_code == 201, new.content
    assert new.json()["link"] == "new"
    known = CitizenFactory(first_name="Tom", last_name="Okoro", date_of_birth="1970-01-02")
    AddressFactory(citizen=known)
    similar = client.put(
        "/api/v1/service-accounts/revs/CT-0009999/",
        {
            "kind": "council_tax",
            "person": {"first_name": "Tom", "last_name": "Okoro", "date_of_birth": "1970-01-02"},
        },
        format="json",
    )
    assert similar.status_code == 201
    assert similar.json()["link"] == "review"
    assert similar.json()["candidates"] == [known.pk]
    assert Citizen.objects.filter(last_name="Okoro").count() == 2
    from citizens.models import DuplicatePair

    pair = DuplicatePair.objects.get(status="open")
    assert {pair.citizen_a_id, pair.citizen_b_id} == {known.pk, similar.json()["citizen"]["id"]}


def test_a_type_the_system_may_not_write_is_403(revs):
    _, client = revs
    citizen = CitizenFactory()
    response = client.put(URL, body(citizen, kind="benefits"), format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "Revenues may not write benefits accounts."


def test_another_systems_path_is_403(revs, administrator):
    _, client = revs
    client_system_save(actor=administrator, system=ClientSystem(name="Other", slug="other"))
    citizen = CitizenFactory()
    response = client.put("/api/v1/service-accounts/other/X1/", body(citizen), format="json")
    assert response.status_code == 403


def test_unknown_question_and_bad_snapshot_are_400(revs):
    _, client = revs
    citizen = CitizenFactory()
    response = client.put(
        URL,
        body(
            citizen,
            security_answers={"mothers_maiden_name": "x"},
            snapshot={"band": "C", "balance": {"nested": 1}},
        ),
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"security_answers", "snapshot.balance"}
    assert not ServiceAccount.objects.exists()


def test_sync_needs_a_citizen_or_a_person(revs):
    _, client = revs
    response = client.put(URL, {"kind": "council_tax"}, format="json")
    assert response.status_code == 400
    assert "person" in response.json()
