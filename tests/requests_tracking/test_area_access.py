"""Default deny: a service officer with no service area works no requests (lists show none,
with a plain explanation; transitions are refused); team leaders and administrators keep their
scope (their areas, or every area when they have none)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from requests_tracking import selectors, services
from requests_tracking.models import Request
from tests.factories import ProcessFactory, ServiceAreaFactory, StaffFactory

pytestmark = pytest.mark.django_db

NO_AREAS = "You have no service areas, so you cannot work on requests."


@pytest.fixture
def service_request(db):
    someone = StaffFactory(username="raiser", role=Role.AGENT)
    return services.request_create(
        actor=someone, process=ProcessFactory(), description="Broken street light"
    )


@pytest.fixture
def arealess_officer(db):
    return StaffFactory(username="arealess", role=Role.SERVICE_OFFICER)


def test_officer_with_no_area_cannot_move_a_request(client, arealess_officer, service_request):
    client.force_login(arealess_officer)
    url = reverse("requests_tracking:action", args=[service_request.pk, "advance"])
    response = client.post(url)
    assert response.status_code == 403
    assert NO_AREAS in response.content.decode()
    assert Request.objects.get(pk=service_request.pk).version == service_request.version


@pytest.mark.parametrize("action", ["advance", "hold", "resolve", "reopen", "cancel"])
def test_officer_with_no_area_is_refused_by_the_api(arealess_officer, service_request, action):
    api = APIClient()
    api.force_authenticate(arealess_officer)
    response = api.post(
        f"/api/v1/requests/{service_request.pk}/{action}/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 403
    assert response.json() == {"detail": selectors.NO_AREAS}


def test_officer_with_no_area_sees_no_requests_and_is_told_why(
    client, arealess_officer, service_request
):
    client.force_login(arealess_officer)
    page = client.get(reverse("requests_tracking:list"), {"status": "live"})
    assert page.status_code == 200
    assert service_request.reference not in page.content.decode()
    assert NO_AREAS in page.content.decode()
    api = APIClient()
    api.force_authenticate(arealess_officer)
    assert api.get("/api/v1/requests/").json()["results"] == []


def test_officer_with_no_area_is_told_why_on_the_request_page(
    client, arealess_officer, service_request
):
    client.force_login(arealess_officer)
    page = client.get(service_request.get_absolute_url()).content.decode()
    assert NO_AREAS in page
    assert "Move to next stage" not in page


def test_officer_with_no_area_has_no_workload(arealess_officer, service_request):
    service_request.assigned_to = arealess_officer
    service_request.save(update_fields=["assigned_to"])
    assert selectors.request_workload(staff=arealess_officer)["me"]["total"] == 0


def test_officer_works_requests_of_their_own_area_only(client, service_request):
    own = StaffFactory(username="own-area", role=Role.SERVICE_OFFICER)
    own.service_areas.add(service_request.service_area)
    other = StaffFactory(username="other-area", role=Role.SERVICE_OFFICER)
    other.service_areas.add(ServiceAreaFactory())
    assert selectors.request_can_work(staff=own, service_request=service_request)
    assert not selectors.request_can_work(staff=other, service_request=service_request)


@pytest.mark.parametrize("role", [Role.TEAM_LEADER, Role.ADMINISTRATOR])
def test_leaders_and_administrators_with_no_area_keep_every_area(client, service_request, role):
    leader = StaffFactory(username="leader", role=role)
    client.force_login(leader)
    url = reverse("requests_tracking:action", args=[service_request.pk, "advance"])
    assert client.post(url, {"expected_version": service_request.version}).status_code == 302
    after = Request.objects.select_related("current_stage").get(pk=service_request.pk)
    assert after.current_stage.name == "Do the work"


def test_team_leader_with_areas_works_those_areas_only(service_request):
    leader = StaffFactory(username="leader", role=Role.TEAM_LEADER)
    leader.service_areas.add(ServiceAreaFactory())
    assert not selectors.request_can_work(staff=leader, service_request=service_request)
    leader.service_areas.add(service_request.service_area)
    assert selectors.request_can_work(staff=leader, service_request=service_request)


def test_service_areas_kept_per_process_follow_changes_on_the_next_page(client, service_request):
    """The areas an officer works are kept per process (#19); taking one away or giving it
    back shows on the very next page."""
    officer = StaffFactory(username="moving", role=Role.SERVICE_OFFICER)
    officer.service_areas.add(service_request.service_area)
    client.force_login(officer)
    page = service_request.get_absolute_url()
    advance = reverse("requests_tracking:action", args=[service_request.pk, "advance"])
    assert "Move to next stage" in client.get(page).text
    officer.service_areas.remove(service_request.service_area)
    assert "Move to next stage" not in client.get(page).text
    assert client.post(advance).status_code == 403
    officer.service_areas.add(service_request.service_area)
    assert "Move to next stage" in client.get(page).text
