import pytest
from django.urls import reverse

from audit.models import AuditEvent
from audit.services import audit_record
from tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db


def test_home_lists_the_records_the_agent_opened_most_recently(agent_client, agent):
    first, second = CitizenFactory(last_name="Older"), CitizenFactory(last_name="Newer")
    for citizen in (first, second, first, second):
        audit_record(actor=agent, action=AuditEvent.Action.VIEW, obj=citizen)
    response = agent_client.get(reverse("home:home"))
    recent = response.context["recent_citizens"]
    assert recent == [second, first], "newest first, each person once"
    assert "Newer" in response.content.decode()


def test_home_counts_contacts_left_without_an_outcome(agent_client, agent, reference_data):
    from contacts.models import Channel, Contact
    from organisation.models import Location

    Contact.objects.create(
        agent=agent,
        channel=Channel.objects.get(code="phone"),
        location=Location.objects.first(),
        status=Contact.Status.AUTO_CLOSED,
        needs_review=True,
    )
    response = agent_client.get(reverse("home:home"))
    assert "1 of your contacts was closed without an outcome" in response.content.decode()


def test_home_shows_the_officers_request_workload(officer_client, officer):
    from requests_tracking.models import Request
    from requests_tracking.services import request_create
    from tests.factories import ProcessFactory

    process = ProcessFactory()
    officer.service_areas.add(process.service_area)  # officers work their own areas' requests
    for _ in range(2):
        request_create(actor=officer, process=process, description="Sofa", assigned_to=officer)
    Request.objects.filter(pk=Request.objects.first().pk).update(sla_state="breached")
    response = officer_client.get(reverse("home:home"))
    workload = response.context["workload"]
    assert workload["me"]["breached"] == 1
    assert workload["me"]["total"] == 2
    assert "?assigned=me&amp;status=live&amp;sla_state=breached" in response.content.decode()


def test_home_query_count_does_not_grow_with_history(agent_client, agent):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as ctx:
            agent_client.get(reverse("home:home"))
        return len(ctx.captured_queries)

    audit_record(actor=agent, action=AuditEvent.Action.VIEW, obj=CitizenFactory())
    count()  # warm the session and permission caches
    few = count()
    for _ in range(30):
        audit_record(actor=agent, action=AuditEvent.Action.VIEW, obj=CitizenFactory())
    assert count() == few
