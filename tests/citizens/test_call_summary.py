"""The record page for a call in progress: a compact summary (who, verification, open requests
with their SLA state, flags, prompts) and the call's actions at the top, within the query
budget."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from citizens.models import AssistanceFlag
from contacts.models import Channel
from contacts.services import contact_start
from organisation.models import Location
from requests_tracking.models import Request
from tests.factories import (
    CitizenFactory,
    NoteFactory,
    ProcessFactory,
    ServiceAccountFactory,
)
from tests.factories.citizens import AddressFactory

pytestmark = pytest.mark.django_db
RECORD_PAGE_QUERY_BUDGET = 20


def _busy_citizen():
    citizen = CitizenFactory(first_name="Pat", middle_names="", last_name="Haworth")
    AddressFactory(citizen=citizen, line_1="4 Mill Lane", postcode="HD1 2AB")
    ServiceAccountFactory(citizen=citizen, reference="CT00012345")
    ServiceAccountFactory(citizen=citizen, reference="HR0001", kind="housing_rent")
    for n in range(5):
        NoteFactory(citizen=citizen, text=f"Note {n}")
    return citizen


def _raise_request(citizen, sla_state):
    process = ProcessFactory()
    request = Request.objects.create(
        citizen=citizen,
        process=process,
        service_area=process.service_area,
        current_stage=process.stages.first(),
        description="Sofa",
        channel=Channel.objects.get(code="phone"),
    )
    Request.objects.filter(pk=request.pk).update(sla_state=sla_state)
    return request


def test_the_summary_shows_who_verification_open_requests_and_flags(agent_client, reference_data):
    citizen = _busy_citizen()
    AssistanceFlag.objects.create(citizen=citizen, kind="hearing", note="Speak clearly")
    late = _raise_request(citizen, "breached")
    page = agent_client.get(f"/citizens/{citizen.pk}/").content.decode()
    summary = page.split('data-testid="call-summary"', 1)[1].split('data-testid="record-tabs"')[0]
    assert "Pat Haworth" in summary
    assert "4 Mill Lane, HD1 2AB" in summary
    assert "Council tax account: not verified" in summary
    assert late.reference in summary
    assert "Breached" in summary
    assert "Hearing impairment" in summary
    actions = summary.split('data-testid="call-actions"', 1)[1]
    assert "Start phone contact" in actions
    assert "Verify: council tax account" in actions
    assert "Raise a request" in actions
    assert "Add a note" in actions


def test_during_the_contact_the_action_is_end_contact(agent_client, agent, reference_data):
    citizen = _busy_citizen()
    contact = contact_start(
        actor=agent,
        citizen=citizen,
        channel=Channel.objects.get(code="phone"),
        location=Location.objects.get(name="Contact centre"),
    )
    page = agent_client.get(f"/citizens/{citizen.pk}/").content.decode()
    actions = page.split('data-testid="call-actions"', 1)[1].split('data-testid="record-tabs"')[0]
    assert "End this contact" in actions
    assert contact.get_absolute_url() in actions
    assert "Start phone contact" not in actions


def test_the_overview_keeps_the_query_budget(agent_client, reference_data):
    citizen = _busy_citizen()
    _raise_request(citizen, "at_risk")
    agent_client.get("/")  # an agent already at work (the first page of a session writes it)
    with CaptureQueriesContext(connection) as ctx:
        assert agent_client.get(f"/citizens/{citizen.pk}/").status_code == 200
    queries = [q["sql"][:160] for q in ctx.captured_queries]
    assert len(queries) <= RECORD_PAGE_QUERY_BUDGET, "\n".join(queries)
