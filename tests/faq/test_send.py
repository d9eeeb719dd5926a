"""Sending an article to the citizen through the outbox, recorded on the contact and timeline;
suggestions for the contact's reason; "information sent" prefilled when ending the contact."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from contacts.models import Outcome
from faq.models import Article, ArticleOpen, ArticleSend
from notifications.models import Message
from tests.factories import (
    CitizenFactory,
    ContactFactory,
    ContactTypeFactory,
    EmailAddressFactory,
    PhoneNumberFactory,
    ServiceAreaFactory,
)
from tests.factories.faq import ArticleFactory
from timeline.models import Entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(agent):
    citizen = CitizenFactory(first_name="Sam", last_name="Sender")
    PhoneNumberFactory(citizen=citizen, number="+447700900123")
    EmailAddressFactory(citizen=citizen, email="sam@example.com")
    return ContactFactory(agent=agent, citizen=citizen)


@pytest.fixture
def article():
    return ArticleFactory(
        title="Book a bulky waste collection",
        slug="bulky-waste",
        summary="Book online: up to 5 items for £35.",
        body="## Costs\n\nUp to **5 items** for £35.",
    )


def _send(client, article, **data):
    return client.post(reverse("faq:send", args=[article.pk]), data)


def test_sms_send_goes_through_the_outbox_with_summary_and_link(
    agent_client, agent, call, article, settings, django_capture_on_commit_callbacks
):
    settings.PUBLIC_BASE_URL = "https://crm.example.gov.uk"
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(agent_client, article, channel="sms", recipient="sms:+447700900123")
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.channel == "sms"
    assert message.recipient == "+447700900123"
    assert (
        message.body
        == "Book online: up to 5 items for £35. https://crm.example.gov.uk/help/bulky-waste/"
    )
    assert message.citizen == call.citizen
    message.refresh_from_db()
    assert message.status == Message.Status.SENT  # the console backend sent it after commit
    send = ArticleSend.objects.get()
    assert (send.contact, send.citizen, send.staff, send.message_id) == (
        call,
        call.citizen,
        agent,
        message.pk,
    )


def test_send_appears_on_the_timeline_and_the_contact(agent_client, call, article):
    _send(agent_client, article, channel="sms", recipient="sms:+447700900123")
    entry = Entry.objects.get(kind="information_sent")
    assert entry.citizen == call.citizen
    assert entry.summary == "Information sent by text message: Book a bulky waste collection"
    page = agent_client.get(reverse("contacts:detail", args=[call.pk])).content.decode()
    assert "Sent by text message: Book a bulky waste collection" in page
    assert AuditEvent.objects.filter(object_type="faq.articlesend", citizen=call.citizen).exists()


def test_email_send_carries_the_whole_article(agent_client, call, article):
    _send(agent_client, article, channel="email", recipient="email:sam@example.com")
    message = Message.objects.get()
    assert message.subject == "Book a bulky waste collection"
    assert "Up to 5 items for £35." in message.body
    assert "/help/bulky-waste/" in message.body


def test_send_to_a_citizen_without_a_mobile_asks_for_one(agent_client, agent, article):
    citizen = CitizenFactory()
    ContactFactory(agent=agent, citizen=citizen)
    response = _send(agent_client, article, channel="sms", recipient="other")
    assert response.status_code == 200
    assert "there is no mobile on their record" in response.content.decode()
    assert Message.objects.count() == 0


def test_typed_mobile_is_sent_to_and_can_be_saved_to_the_record(agent_client, agent, article):
    citizen = CitizenFactory()
    ContactFactory(agent=agent, citizen=citizen)
    _send(
        agent_client,
        article,
        channel="sms",
        recipient="other",
        other_mobile="07700 900456",
        save_to_record="on",
    )
    assert Message.objects.get().recipient == "+447700900456"
    assert list(citizen.phones.values_list("number", flat=True)) == ["+447700900456"]


def test_typed_landline_is_refused_for_a_text(agent_client, agent, article):
    citizen = CitizenFactory()
    ContactFactory(agent=agent, citizen=citizen)
    response = _send(
        agent_client, article, channel="sms", recipient="other", other_mobile="020 7946 0018"
    )
    assert "That is a landline" in response.content.decode()
    assert Message.objects.count() == 0


def test_recorded_email_cannot_be_used_for_a_text(agent_client, call, article):
    response = _send(agent_client, article, channel="sms", recipient="email:sam@example.com")
    assert "Choose one for the way you are sending it" in response.content.decode()
    assert Message.objects.count() == 0


def test_staff_guidance_is_never_sent(agent_client, call):
    guidance = ArticleFactory(title="Refund rules", audience=Article.Audience.STAFF)
    response = agent_client.post(
        reverse("faq:send", args=[guidance.pk]),
        {"channel": "sms", "recipient": "sms:+447700900123"},
        follow=True,
    )
    assert "Staff guidance stays internal" in response.content.decode()
    assert Message.objects.count() == 0


def test_send_without_a_contact_uses_the_citizen_given(agent_client, article):
    citizen = CitizenFactory()
    PhoneNumberFactory(citizen=citizen, number="+447700900999")
    response = agent_client.post(
        reverse("faq:send", args=[article.pk]),
        {"citizen": citizen.pk, "channel": "sms", "recipient": "sms:+447700900999"},
    )
    assert response.status_code == 302
    send = ArticleSend.objects.get()
    assert send.contact is None
    assert send.citizen == citizen


def test_officers_cannot_send(officer_client, call, article):
    assert (
        _send(officer_client, article, channel="sms", recipient="sms:+447700900123").status_code
        == 403
    )


def test_opening_an_article_during_a_contact_is_recorded_on_it(agent_client, call, article):
    agent_client.get(reverse("faq:detail", args=[article.pk]), {"via": "suggestion"})
    opened = ArticleOpen.objects.get()
    assert (opened.contact, opened.via) == (call, "suggestion")
    article.refresh_from_db()
    assert article.use_count == 1


# --- suggestions and the end-contact prefill ------------------------------------------------


def test_suggestions_follow_the_contact_type_then_the_service_area(agent_client):
    area = ServiceAreaFactory(name="Waste Management")
    bulky = ContactTypeFactory(service_area=area, name="Bulky waste collection")
    ArticleFactory(title="Garden waste", service_area=area)
    ArticleFactory(title="Bulky waste", service_area=area, contact_types=[bulky])
    ArticleFactory(title="Council tax", service_area=ServiceAreaFactory(name="Council Tax"))
    response = agent_client.get(
        reverse("faq:suggestions"),
        {"service_area": area.pk, "contact_type": bulky.pk},
        HTTP_HX_REQUEST="true",
    )
    titles = [a.title for a in response.context["suggestions"]]
    assert titles == ["Bulky waste", "Garden waste"]


def test_contact_page_shows_suggestions_panel_for_the_agent(agent_client, call, article):
    page = agent_client.get(reverse("contacts:detail", args=[call.pk])).content.decode()
    assert 'data-testid="contact-articles"' in page
    assert 'hx-trigger="change from:#end-contact-form"' in page


def test_end_form_prefills_information_sent_after_a_send(
    agent_client, call, article, reference_data
):
    _send(agent_client, article, channel="sms", recipient="sms:+447700900123")
    page = agent_client.get(reverse("contacts:detail", args=[call.pk]))
    outcome = Outcome.objects.get(code="information_sent")
    assert page.context["form"].initial["outcome"] == outcome.pk


def test_end_form_has_no_prefill_without_a_send(agent_client, call, reference_data):
    page = agent_client.get(reverse("contacts:detail", args=[call.pk]))
    assert "outcome" not in page.context["form"].initial


def test_record_page_has_the_knowledge_panel(agent_client, call):
    page = agent_client.get(call.citizen.get_absolute_url()).content.decode()
    assert 'data-testid="knowledge-panel"' in page
    assert reverse("faq:citizen_content", args=[call.citizen_id]) in page


def test_contact_knowledge_part_lists_what_was_sent(agent_client, call, article):
    _send(agent_client, article, channel="sms", recipient="sms:+447700900123")
    part = agent_client.get(
        reverse("faq:contact_knowledge"), {"citizen": call.citizen_id}, HTTP_HX_REQUEST="true"
    )
    assert "Sent by text message" in part.content.decode()


def test_the_record_page_loads_the_contact_knowledge_only_in_a_contact_with_that_citizen(
    agent_client, call
):
    """Outside a contact with this citizen there is nothing for the part to show: the page does
    not ask for it (a whole request on every record page an agent opens)."""
    knowledge = reverse("faq:contact_knowledge")
    page = agent_client.get(call.citizen.get_absolute_url()).content.decode()
    assert f'hx-get="{knowledge}?citizen={call.citizen_id}"' in page
    other = CitizenFactory()
    page = agent_client.get(other.get_absolute_url()).content.decode()
    assert knowledge not in page
    assert 'id="contact-knowledge-slot"' in page
