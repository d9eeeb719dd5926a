"""No literal "None" on screen, and a post-only address opened directly gets a page."""

import re

import pytest
from django.urls import reverse

from contacts.services import contact_end, contact_start
from tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db
NONE_WORD = re.compile(r">\s*None\s*<|\bNone\b(?![-\w])")


def _visible(html):
    return re.sub(r"<script.*?</script>|<[^>]+>", " ", html, flags=re.S)


def test_empty_fields_are_said_in_plain_words_not_none(agent_client, agent, ref):
    citizen = CitizenFactory()  # no email, no phone, no address
    contact = contact_start(
        actor=agent, citizen=citizen, channel=ref.phone, location=ref.contact_centre
    )
    contact_end(
        actor=agent,
        contact=contact,
        service_area=ref.waste,
        contact_type=ref.missed_bin,
        outcome=ref.resolved,
        avoidable=False,
        resolved_at_first_contact=True,
        notes="",
    )
    record = _visible(agent_client.get(citizen.get_absolute_url()).content.decode())
    assert "No phone number recorded" in record
    assert "No email address recorded" in record
    assert not re.search(r"\bNone\b", record), record
    page = _visible(agent_client.get(contact.get_absolute_url()).content.decode())
    assert "No notes" in page
    assert not re.search(r"\bNone\b", page), page


def test_end_address_opened_directly_goes_to_the_contact_with_a_message(agent_client, agent, ref):
    contact = contact_start(actor=agent, channel=ref.phone, location=ref.contact_centre)
    response = agent_client.get(reverse("contacts:end", args=[contact.pk]))
    assert response.status_code == 302
    assert response["Location"] == contact.get_absolute_url() + "#end-contact"
    page = agent_client.get(response["Location"]).content.decode()
    assert "Choose the outcome here to end the contact." in page


def test_any_post_only_address_opened_in_a_browser_gets_a_page(agent_client, agent, ref):
    contact = contact_start(actor=agent, channel=ref.phone, location=ref.contact_centre)
    response = agent_client.get(reverse("contacts:attach", args=[contact.pk]))
    assert response.status_code == 405
    assert "This address is for a button, not a page" in response.content.decode()
    assert "POST" in response["Allow"]
