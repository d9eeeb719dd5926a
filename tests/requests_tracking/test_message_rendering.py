"""Messages are plain text with every placeholder filled: every demo template, every trigger."""

import re

import pytest
from django.urls import reverse

from notifications.models import Message, MessageTemplate
from notifications.services import template_check, template_render
from requests_tracking import demo, services
from requests_tracking.models import Process
from tests.factories import CitizenFactory, EmailAddressFactory, PhoneNumberFactory

from .conftest import at

pytestmark = pytest.mark.django_db

ESCAPES = re.compile(r"&(#x?[0-9a-fA-F]+|amp|lt|gt|quot);")
GAP = re.compile(r"(by|on|until|due|completion) ?[.,]|'' |\{\{|\}\}")


def test_plain_text_is_not_html_escaped():
    text = template_render(
        text="{{ stage_description }} <{{ citizen_name }}> & more",
        context={"stage_description": "We check the crew's records", "citizen_name": "O'Neil"},
    )
    assert text == "We check the crew's records <O'Neil> & more"


def test_an_empty_value_is_sent_as_its_fallback_words():
    text = template_render(
        text="We expect to finish by {{ estimated_completion }}.",
        context={"estimated_completion": ""},
    )
    assert text == "We expect to finish by the date shown on your request's page."


def test_a_placeholder_nobody_fills_is_refused():
    problem = template_check("We expect to finish by {{ estimated_completon }}.")
    assert "{{ estimated_completon }} would be sent empty" in problem
    assert "{{ estimated_completion }}" in problem  # says what can be used
    assert template_check("Due {{ due_date }} for {{ reference }}") is None


def test_admin_refuses_a_template_with_an_unknown_placeholder(admin_client):
    url = reverse("admin:notifications_messagetemplate_add")
    form = admin_client.get(url).text
    assert "Sent as plain text" in form
    assert "{{ tracking_url }}" in form
    response = admin_client.post(
        url, {"name": "Typo", "subject": "Re {{ refrence }}", "body": "Hello", "active": "on"}
    )
    assert response.status_code == 200
    assert "{{ refrence }} would be sent empty" in response.text
    assert not MessageTemplate.objects.filter(name="Typo").exists()


@pytest.fixture
def demo_processes(reference_data):
    return demo._processes()


def _everyone_told(process, officer):
    citizen = CitizenFactory(first_name="Siobhan", last_name="O'Neil")
    EmailAddressFactory(citizen=citizen, email=f"siobhan.{process.pk}@example.com")
    PhoneNumberFactory(citizen=citizen)
    sms_person = CitizenFactory(first_name="Tex", preferred_channel="sms")
    PhoneNumberFactory(citizen=sms_person)
    request = services.request_create(
        actor=officer,
        process=process,
        citizen=citizen,
        description="Sofa & fridge by the crew's van",
        assigned_to=officer,
        now=at(2026, 3, 2, 9),
    )
    services.follower_citizen_add(actor=officer, service_request=request, citizen=sms_person)
    return request


def test_every_demo_template_through_every_trigger_is_clean_plain_text(
    demo_processes, officer, settings
):
    officer.email = "officer@council.example"
    officer.save()
    assert {p.code for p in demo_processes} >= {"missed-bin", "bulky-waste", "pothole"}
    for process in Process.objects.filter(is_current=True):
        request = _everyone_told(process, officer)
        moment = at(2026, 3, 2, 9)
        for _ in range(process.stages.count() - 1):  # share warning and breach, then advance
            moment = moment.replace(month=moment.month + 1)
            services.requests_sla_sweep(now=moment)
            services.request_advance(actor=officer, service_request=request, now=moment)
        services.request_information_request(
            actor=officer, service_request=request, question="Is it the crew's van?", now=moment
        )
        services.request_resolve(
            actor=officer, service_request=request, resolution="Done", now=moment
        )
        services.requests_auto_close(now=moment.replace(month=moment.month + 1))

    messages = list(Message.objects.all())
    events = {m.event.split(" – ")[0] for m in messages}
    assert {
        "When the stage is entered",
        "When a share of the SLA has passed",
        "When the SLA is breached",
        "When the request is resolved at this stage",
        "Information requested",
        "Closed automatically",
    } <= events
    assert {m.recipient_kind for m in messages} >= {"citizen", "officer", "team", "contractor"}
    assert {m.channel for m in messages} == {"email", "sms"}
    for message in messages:
        for text in (message.subject, message.body):
            assert not ESCAPES.search(text), (message.event, text)
            assert not GAP.search(text), (message.event, text)
    entered = [m for m in messages if "reached the stage" in m.body]
    assert entered
    for message in entered:
        assert re.search(r"We expect to finish by \d\d/\d\d/\d{4}\.", message.body), message.body
    assert any("crew's" in m.body for m in messages)
