"""Ending a contact prefills what is known; reception defaults; requests from anonymous
contacts; signposting needs a partner."""

import pytest
from django.urls import reverse

from contacts.models import Contact, ContactType
from contacts.services import contact_attach_citizen, contact_start
from requests_tracking.models import Request
from tests.contacts.conftest import new_citizen
from tests.factories import ProcessFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bulky(ref):
    process = ProcessFactory(name="Bulky waste collection", service_area=ref.waste)
    kind, _ = ContactType.objects.get_or_create(
        service_area=ref.waste, name="Bulky waste collection"
    )
    process.contact_types.set([kind])
    return process, kind


def _raise(client, process, citizen=None):
    target = reverse("requests_tracking:create") + (f"?citizen={citizen.pk}" if citizen else "")
    return client.post(
        target,
        {
            "process": process.pk,
            "description": "Sofa",
            "address_line_1": "1 Mill Lane",
            "postcode": "HD1 2AB",
        },
    )


def test_end_form_is_prefilled_from_the_request_raised_during_the_contact(
    agent_client, agent, ref, bulky
):
    process, kind = bulky
    citizen = new_citizen()
    contact = contact_start(
        actor=agent, citizen=citizen, channel=ref.phone, location=ref.contact_centre
    )
    response = _raise(agent_client, process, citizen)
    assert response["Location"] == citizen.get_absolute_url()
    form = agent_client.get(contact.get_absolute_url()).context["form"]
    assert form.initial["service_area"] == ref.waste.pk
    assert form.initial["contact_type"] == kind.pk
    assert form.initial["outcome"] == ref.request_raised.pk
    # Two choices left: avoidable and resolved at first contact.
    response = agent_client.post(
        reverse("contacts:end", args=[contact.pk]),
        {**form.initial, "avoidable": "no", "resolved_at_first_contact": "yes"},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.outcome == ref.request_raised
    assert contact.channel == ref.phone


def test_anonymous_contact_at_reception_defaults_to_face_to_face(client, receptionist, ref):
    receptionist.usual_location = ref.reception
    receptionist.save()
    client.force_login(receptionist)
    form = client.get(reverse("contacts:start")).context["form"]
    assert form.initial["channel"] == ref.face_to_face
    assert form.initial["location"] == ref.reception.pk


def test_contact_centre_still_defaults_to_the_phone(agent_client, agent, ref):
    agent.usual_location = ref.contact_centre
    agent.save()
    form = agent_client.get(reverse("contacts:start")).context["form"]
    assert form.initial["channel"] == ref.phone


def test_signposted_needs_at_least_one_partner(agent_client, agent, ref):
    contact = contact_start(actor=agent, channel=ref.face_to_face, location=ref.reception)
    response = agent_client.post(
        reverse("contacts:end", args=[contact.pk]),
        {
            "service_area": ref.waste.pk,
            "contact_type": ref.missed_bin.pk,
            "outcome": ref.signposted.pk,
            "avoidable": "no",
            "resolved_at_first_contact": "yes",
        },
    )
    assert response.status_code == 200
    assert "Select the partner organisations the caller was signposted to." in (
        response.content.decode()
    )
    contact.refresh_from_db()
    assert contact.status == Contact.Status.OPEN


def test_request_raised_from_an_anonymous_contact_then_linked_to_the_caller(
    client, receptionist, ref, bulky
):
    process, _ = bulky
    client.force_login(receptionist)
    contact = contact_start(actor=receptionist, channel=ref.face_to_face, location=ref.reception)
    page = client.get(contact.get_absolute_url()).content.decode()
    assert "Raise a request" in page
    response = _raise(client, process)
    assert response["Location"] == contact.get_absolute_url()
    raised = Request.objects.get()
    assert raised.citizen is None
    assert raised.originating_contact == contact
    citizen = new_citizen()
    contact_attach_citizen(actor=receptionist, contact=contact, citizen=citizen)
    raised.refresh_from_db()
    assert raised.citizen == citizen
