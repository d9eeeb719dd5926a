"""The raise-request form's processes and their stages are kept per process (#19): a change an
administrator makes shows on the next form, and a request raised uses the stages as they are."""

import pytest
from django.urls import reverse

from requests_tracking.models import Request, Stage
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


def _form(client, citizen):
    return client.get(reverse("requests_tracking:create"), {"citizen": citizen.pk}).text


def _raise(client, citizen, process):
    return client.post(
        reverse("requests_tracking:create") + f"?citizen={citizen.pk}",
        {"process": process.pk, "description": "Old sofa", "address_line_1": "1 High St"},
    )


def test_process_renamed_or_taken_out_of_use_shows_on_the_next_form(
    agent_client, process, citizen
):
    assert process.name in _form(agent_client, citizen)
    process.name = "Garden waste collection"
    process.save()
    assert "Garden waste collection" in _form(agent_client, citizen)
    process.active = False
    process.save()
    assert "Garden waste collection" not in _form(agent_client, citizen)
    response = _raise(agent_client, citizen, process)
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not Request.objects.exists()


def test_request_raised_starts_at_the_first_stage_as_it_is_now(agent_client, process, citizen):
    _form(agent_client, citizen)  # the processes are kept
    first = process.stages.order_by("order").first()
    first.name = "Check the booking"
    first.save()
    assert _raise(agent_client, citizen, process).status_code == 302
    raised = Request.objects.get()
    assert raised.current_stage == first
    assert raised.current_stage.name == "Check the booking"
    assert raised.visits.get().stage_id == first.pk
    Stage.objects.create(
        process=process, order=first.order - 1 if first.order > 1 else 0, name="Triage"
    )
    assert _raise(agent_client, citizen, process).status_code == 302
    assert Request.objects.latest("pk").current_stage.name == "Triage"


def test_request_raised_goes_to_the_processes_default_team(agent_client, process, citizen):
    process.default_team = TeamFactory(service_area=process.service_area)
    process.save()
    assert _raise(agent_client, citizen, process).status_code == 302
    assert Request.objects.get().team == process.default_team
