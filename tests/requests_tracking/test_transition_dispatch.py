"""The one transition dispatcher: pages and the API run every transition through it, with the
state the caller saw; a stale page or client changes nothing and is told so in plain words."""

import html

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from requests_tracking import services
from requests_tracking.models import Request, StageVisit

pytestmark = pytest.mark.django_db


def _action(pk, name):
    return reverse("requests_tracking:action", args=[pk, name])


def _seen(service_request):
    """The hidden fields the request page posts with every transition."""
    return {
        "expected_stage": service_request.current_stage_id,
        "expected_status": service_request.status,
        "expected_version": service_request.version,
    }


def test_the_dispatcher_names_every_transition_the_guards_know():
    assert set(services.TRANSITION_TABLE) == set(services.TRANSITIONS)


def test_request_page_posts_the_stage_status_and_version_it_shows(officer_client, raise_request):
    service_request = raise_request()
    page = officer_client.get(service_request.get_absolute_url()).content.decode()
    assert f'name="expected_stage" value="{service_request.current_stage_id}"' in page
    assert 'name="expected_status" value="open"' in page
    assert f'name="expected_version" value="{service_request.version}"' in page


def test_a_page_posted_for_an_earlier_stage_changes_nothing_and_says_so(
    officer_client, raise_request, officer
):
    service_request = raise_request()
    seen = _seen(service_request)  # the page as it was opened, at "Assess"
    services.request_advance(actor=officer, service_request=service_request)
    response = officer_client.post(_action(service_request.pk, "advance"), seen, follow=True)
    assert (
        "This request has moved on since you opened it: it is now at Do the work (open). "
        "Nothing was changed."
    ) in html.unescape(response.content.decode())
    after = Request.objects.select_related("current_stage").get(pk=service_request.pk)
    assert after.current_stage.name == "Do the work"
    assert after.version == service_request.version + 1


def test_a_double_click_moves_one_stage(officer_client, raise_request):
    service_request = raise_request()
    seen = _seen(service_request)
    officer_client.post(_action(service_request.pk, "advance"), seen)
    second = officer_client.post(_action(service_request.pk, "advance"), seen, follow=True)
    assert "has moved on since you opened it" in html.unescape(second.content.decode())
    after = Request.objects.select_related("current_stage").get(pk=service_request.pk)
    assert after.current_stage.name == "Do the work"


def test_a_stale_form_with_a_reason_changes_nothing(officer_client, raise_request, officer):
    service_request = raise_request()
    seen = _seen(service_request)
    services.request_information_request(
        actor=officer, service_request=service_request, question="Which side of the road?"
    )
    response = officer_client.post(
        _action(service_request.pk, "hold"), {**seen, "hold-reason": "Parts"}, follow=True
    )
    assert "it is now at Assess (waiting for citizen)" in html.unescape(response.content.decode())
    assert Request.objects.get(pk=service_request.pk).status == Request.Status.WAITING


def test_a_tampered_expected_state_changes_nothing(officer_client, raise_request):
    service_request = raise_request()
    response = officer_client.post(
        _action(service_request.pk, "advance"), {"expected_stage": "two"}, follow=True
    )
    assert response.status_code == 200
    assert "This page was out of date. Nothing was changed" in response.content.decode()
    assert Request.objects.get(pk=service_request.pk).version == service_request.version


@pytest.fixture
def api(officer):
    client = APIClient()
    client.force_authenticate(officer)
    return client


def test_api_advance_with_a_stale_expected_stage_is_409_and_changes_nothing(
    api, raise_request, officer
):
    service_request = raise_request()
    first_stage = service_request.current_stage_id
    body = api.get(f"/api/v1/requests/{service_request.pk}/").json()
    assert body["version"] == service_request.version
    services.request_advance(actor=officer, service_request=service_request)
    response = api.post(
        f"/api/v1/requests/{service_request.pk}/advance/",
        {"expected_stage": first_stage},
        format="json",
    )
    assert response.status_code == 409
    assert response.json() == {
        "detail": "This request has moved on since you opened it: it is now at Do the work "
        "(open). Nothing was changed."
    }
    after = Request.objects.select_related("current_stage").get(pk=service_request.pk)
    assert after.current_stage.name == "Do the work"


def test_api_transition_with_the_current_stage_and_version_goes_ahead(api, raise_request):
    service_request = raise_request()
    response = api.post(
        f"/api/v1/requests/{service_request.pk}/hold/",
        {
            "reason": "Parts",
            "expected_stage": service_request.current_stage_id,
            "expected_status": "open",
            "expected_version": service_request.version,
        },
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "on_hold"
    assert response.json()["version"] == service_request.version + 1


def test_api_stale_version_is_409(api, raise_request, officer):
    service_request = raise_request()
    services.request_assign(actor=officer, service_request=service_request, team=None)
    response = api.post(
        f"/api/v1/requests/{service_request.pk}/cancel/",
        {"reason": "Duplicate", "expected_version": service_request.version},
        format="json",
    )
    assert response.status_code == 409
    assert Request.objects.get(pk=service_request.pk).status == Request.Status.OPEN


def test_api_says_what_is_wrong_with_an_expected_state(api, raise_request):
    service_request = raise_request()
    response = api.post(
        f"/api/v1/requests/{service_request.pk}/advance/",
        {"expected_stage": "the second", "expected_status": "sideways"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"expected_stage", "expected_status"}


def test_services_refuse_a_stale_expected_state_under_the_lock(raise_request, officer):
    service_request = raise_request()
    stale = services.ExpectedState(stage_id=service_request.current_stage_id, status="open")
    services.request_hold(actor=officer, service_request=service_request, reason="Parts")
    with pytest.raises(services.RequestMovedOn):
        services.request_resume(actor=officer, service_request=service_request, expected=stale)
    assert Request.objects.get(pk=service_request.pk).status == Request.Status.ON_HOLD


def test_the_database_allows_one_open_visit_per_request(raise_request):
    service_request = raise_request()
    with pytest.raises(IntegrityError), transaction.atomic():
        StageVisit.objects.create(
            request=service_request,
            stage=service_request.current_stage,
            entered_at=timezone.now(),
            due_at=timezone.now(),
        )
    closed = StageVisit.objects.create(
        request=service_request,
        stage=service_request.current_stage,
        entered_at=timezone.now(),
        due_at=timezone.now(),
        left_at=timezone.now(),
    )
    assert closed.pk  # closed visits are history: any number of them


def test_request_advance_stays_lean(raise_request, officer, django_assert_max_num_queries):
    """Locking the row alone costs one query: 21 with the timeline and change feed (20 before,
    when the lock joined the stage and visit; docs/performance.md)."""
    service_request = raise_request()
    with django_assert_max_num_queries(21):
        services.request_advance(actor=officer, service_request=service_request)
