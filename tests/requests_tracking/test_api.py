import pytest
from rest_framework.test import APIClient

from requests_tracking import services
from requests_tracking.models import Request

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(officer):
    client = APIClient()
    client.force_authenticate(officer)
    return client


def test_processes_list_their_stages(api, process):
    response = api.get("/api/v1/processes/")
    assert response.status_code == 200
    item = response.json()["results"][0]
    assert item["name"] == process.name
    assert [s["name"] for s in item["stages"]] == ["Assess", "Do the work", "Check"]
    assert item["stages"][0]["sla_amount"] == 2


def test_create_returns_201_with_reference_due_date_and_stage_dates(
    api, process, citizen, reference_data
):
    response = api.post(
        "/api/v1/requests/",
        {
            "process": process.pk,
            "citizen": citizen.pk,
            "description": "Pothole outside number 4",
            "address_line_1": "4 Mill Lane",
            "postcode": "sw1a 1aa",
            "uprn": "100023336956",
            "latitude": "51.501009",
            "longitude": "-0.141588",
            "channel": "phone",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"].startswith("REQ-")
    assert body["status"] == "open"
    assert body["current_stage"] == "Assess"
    assert body["postcode"] == "SW1A 1AA"
    assert len(body["due_date"]) == 10  # an ISO date
    assert [s["state"] for s in body["stages"]] == ["current", "upcoming", "upcoming"]
    assert body["stages"][-1]["due_date"] == body["due_date"]
    assert Request.objects.get(pk=body["id"]).channel.code == "phone"


def test_create_anonymous_report(api, process):
    response = api.post(
        "/api/v1/requests/",
        {"process": process.pk, "citizen": None, "description": "Fly-tipping"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["citizen"] is None


def test_create_says_what_is_wrong(api):
    response = api.post(
        "/api/v1/requests/",
        {"process": 999, "description": "", "postcode": "nope", "uprn": "abc"},
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) >= {"process", "description", "postcode", "uprn"}
    assert "999" in errors["process"][0]


def test_list_filters_like_the_screen(api, raise_request, officer):
    kept = raise_request()
    gone = raise_request()
    services.request_cancel(actor=officer, service_request=gone, reason="duplicate")
    response = api.get("/api/v1/requests/", {"status": "live"})
    assert response.status_code == 200
    assert [r["reference"] for r in response.json()["results"]] == [kept.reference]
    assert api.get("/api/v1/requests/", {"created_from": "not a date"}).status_code == 400


def test_get_one_request(api, raise_request):
    request = raise_request()
    body = api.get(f"/api/v1/requests/{request.pk}/").json()
    assert body["reference"] == request.reference
    assert api.get("/api/v1/requests/999999/").status_code == 404


def test_add_note(api, raise_request):
    request = raise_request()
    response = api.post(
        f"/api/v1/requests/{request.pk}/notes/",
        {"text": "Crew booked", "visible_to_citizen": True},
        format="json",
    )
    assert response.status_code == 201
    assert request.notes.get().visible_to_citizen is True
    assert api.post(f"/api/v1/requests/{request.pk}/notes/", {"text": ""}).status_code == 400


def test_transitions_answer_200_or_409(api, raise_request):
    request = raise_request()
    base = f"/api/v1/requests/{request.pk}"
    assert api.post(f"{base}/reopen/").status_code == 409
    response = api.post(f"{base}/advance/")
    assert response.status_code == 200
    assert response.json()["current_stage"] == "Do the work"
    assert api.post(f"{base}/hold/", {"reason": "Waiting for parts"}).status_code == 200
    refused = api.post(f"{base}/advance/")
    assert refused.status_code == 409
    assert "on hold" in refused.json()["detail"]
    assert api.post(f"{base}/resolve/", {"resolution": "Filled"}).status_code == 200
    assert api.post(f"{base}/resolve/").status_code == 409
    assert api.post(f"{base}/hold/", {"reason": "x"}).status_code == 409
    assert api.post(f"{base}/reopen/", {"reason": "Sunk again"}).status_code == 200
    assert api.post(f"{base}/cancel/", {}).status_code == 400  # a reason is needed
    assert api.post(f"{base}/cancel/", {"reason": "Duplicate"}).status_code == 200
    assert api.post(f"{base}/cancel/", {"reason": "Again"}).status_code == 409


def test_advance_at_last_stage_is_409(api, raise_request, officer):
    request = raise_request()
    services.request_advance(actor=officer, service_request=request)
    services.request_advance(actor=officer, service_request=request)
    response = api.post(f"/api/v1/requests/{request.pk}/advance/")
    assert response.status_code == 409
    assert response.json()["detail"] == "This is the last stage. Resolve the request instead."


def test_agent_token_cannot_work_requests(agent, raise_request):
    client = APIClient()
    client.force_authenticate(agent)
    request = raise_request()
    assert client.get(f"/api/v1/requests/{request.pk}/").status_code == 200
    assert client.post(f"/api/v1/requests/{request.pk}/advance/").status_code == 403


def test_api_needs_authentication(raise_request):
    assert APIClient().get("/api/v1/requests/").status_code == 401


def test_list_and_processes_queries_do_not_grow_with_data(api, raise_request, process):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(url).status_code == 200
        return len(ctx.captured_queries)

    raise_request()
    count("/api/v1/requests/")  # warm the permission cache
    few = (count("/api/v1/requests/"), count("/api/v1/processes/"))
    for _ in range(10):
        raise_request()
    assert (count("/api/v1/requests/"), count("/api/v1/processes/")) == few
