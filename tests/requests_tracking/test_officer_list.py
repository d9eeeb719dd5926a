"""The request list opens on what the officer works; "Assigned to me" only what they can work."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from requests_tracking import services
from requests_tracking.models import Request
from tests.factories import ProcessFactory

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas(officer, process):
    """The officer works `process`'s service area; `other` belongs to another service."""
    officer.service_areas.set([process.service_area])
    return process, ProcessFactory()


def _rows(response):
    return [r.reference for r in response.context["page"].object_list]


def test_list_opens_on_my_areas_open_requests_most_urgent_first(
    officer_client, officer, raise_request, areas
):
    mine, other = areas
    late_on_track = raise_request(now=at(2026, 3, 2, 12))
    soon = raise_request(now=at(2026, 3, 2, 10))
    breached = raise_request(now=at(2026, 2, 2, 9))
    at_risk = raise_request(now=at(2026, 2, 27, 9))
    Request.objects.filter(pk=breached.pk).update(sla_state="breached")
    Request.objects.filter(pk=at_risk.pk).update(sla_state="at_risk")
    done = raise_request()
    services.request_resolve(actor=officer, service_request=done, resolution="Done")
    elsewhere = raise_request(process=other, now=at(2026, 1, 5, 9))
    Request.objects.filter(pk=elsewhere.pk).update(sla_state="breached")

    response = officer_client.get(reverse("requests_tracking:list"))
    assert response.status_code == 302
    assert response["Location"] == "/requests/?status=live&mine=true&sort=urgent"
    response = officer_client.get(response["Location"])
    assert _rows(response) == [
        breached.reference,
        at_risk.reference,
        soon.reference,
        late_on_track.reference,
    ]
    # Clearing the filters shows everything, newest first.
    cleared = officer_client.get(reverse("requests_tracking:list") + "?sort=newest")
    assert elsewhere.reference in _rows(cleared)
    assert done.reference in _rows(cleared)


def test_agents_without_service_areas_see_the_whole_list(agent_client, raise_request):
    request = raise_request()
    response = agent_client.get(reverse("requests_tracking:list"))
    assert response.status_code == 200
    assert _rows(response) == [request.reference]


def test_assigned_to_me_shows_only_requests_i_can_work(
    officer_client, officer, raise_request, areas
):
    mine, other = areas
    workable = raise_request(assigned_to=officer)
    misassigned = raise_request(process=other, assigned_to=officer)
    response = officer_client.get(reverse("requests_tracking:list") + "?assigned=me")
    assert _rows(response) == [workable.reference]
    assert misassigned.reference not in response.content.decode()


def test_home_workload_counts_only_requests_i_can_work(officer, raise_request, areas):
    from requests_tracking.selectors import request_workload

    mine, other = areas
    raise_request(assigned_to=officer)
    raise_request(process=other, assigned_to=officer)
    assert request_workload(staff=officer)["me"]["total"] == 1


def test_demo_never_assigns_requests_to_officers_of_another_service():
    call_command("seed_demo", citizens=120, seed=3, stdout=io.StringIO())
    assigned = Request.objects.filter(assigned_to__isnull=False).select_related("assigned_to")
    assert assigned.exists()
    for request in assigned:
        areas = set(request.assigned_to.service_areas.values_list("pk", flat=True))
        assert request.service_area_id in areas, request.reference
