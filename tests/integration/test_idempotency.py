import pytest
from rest_framework.test import APIClient

from citizens.models import Citizen, Note
from integration.models import Change
from tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db

BODY = {"first_name": "Idris", "last_name": "Key", "email": "idris@example.com"}


def post(api, body, key, path="/api/v1/citizens/"):
    return api.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_same_key_and_body_twice_makes_one_citizen_and_one_change(api):
    first = post(api, BODY, "key-1")
    second = post(api, BODY, "key-1")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Citizen.objects.filter(last_name="Key").count() == 1
    assert Change.objects.filter(event="citizen.created").count() == 1


def test_same_key_with_another_body_is_422_and_changes_nothing(api):
    post(api, BODY, "key-2")
    other = post(api, BODY | {"first_name": "Someone"}, "key-2")
    assert other.status_code == 422
    assert "different request" in other.json()["detail"]
    assert Citizen.objects.filter(last_name="Key").count() == 1


def test_same_key_on_another_path_is_422(api):
    citizen = CitizenFactory()
    post(api, {"text": "Called about bins"}, "key-3", f"/api/v1/citizens/{citizen.pk}/notes/")
    other = CitizenFactory()
    again = post(
        api, {"text": "Called about bins"}, "key-3", f"/api/v1/citizens/{other.pk}/notes/"
    )
    assert again.status_code == 422
    assert Note.objects.count() == 1


def test_without_a_key_each_post_is_a_new_write(api):
    citizen = CitizenFactory()
    for _ in range(2):
        assert (
            api.post(
                f"/api/v1/citizens/{citizen.pk}/notes/", {"text": "x"}, format="json"
            ).status_code
            == 201
        )
    assert Note.objects.count() == 2


def test_keys_belong_to_their_sender(api, agent):
    """Another client's identical key is a different key: it does not replay our answer."""
    citizen = CitizenFactory()
    path = f"/api/v1/citizens/{citizen.pk}/notes/"
    other = APIClient()
    other.force_login(agent)
    assert post(api, {"text": "x"}, "shared", path).status_code == 201
    assert post(other, {"text": "x"}, "shared", path).status_code == 201
    assert Note.objects.count() == 2


def test_a_refused_write_is_replayed_with_its_400(api):
    first = post(api, {"last_name": ""}, "key-4")
    assert first.status_code == 400
    assert post(api, {"last_name": ""}, "key-4").json() == first.json()


def test_stale_version_conflict_replays_the_same_409(api):
    citizen = CitizenFactory()
    path = f"/api/v1/citizens/{citizen.pk}/"
    assert api.patch(path, {"last_name": "A", "version": 1}, format="json").status_code == 200
    first = api.patch(
        path, {"last_name": "B", "version": 1}, format="json", HTTP_IDEMPOTENCY_KEY="k5"
    )
    second = api.patch(
        path, {"last_name": "B", "version": 1}, format="json", HTTP_IDEMPOTENCY_KEY="k5"
    )
    assert first.status_code == second.status_code == 409


@pytest.mark.parametrize("key", ["", " ", "k" * 256])
def test_a_key_that_is_empty_or_too_long_is_400(api, key):
    assert post(api, BODY, key).status_code == 400
    assert not Citizen.objects.filter(last_name="Key").exists()


def test_an_oversized_body_is_413_in_the_documented_shape(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api.post("/api/v1/citizens/", {"last_name": "x" * 2000}, format="json")
    assert response.status_code == 413
    assert set(response.json()) == {"detail"}
    assert not Citizen.objects.exists()


def test_a_nul_character_is_a_plain_400(api):
    assert api.get("/api/v1/citizens/", {"q": "Smi\x00th"}).status_code == 400
    response = api.post("/api/v1/citizens/", {"last_name": "Nul\x00"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["detail"]
