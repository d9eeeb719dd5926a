from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from audit.models import AuditEvent
from contacts.models import Contact
from contacts.services import (
    ContactAlreadyOpen,
    ContactNotOpen,
    contact_attach_citizen,
    contact_close_abandoned,
    contact_end,
    contact_record,
    contact_start,
)
from contacts.signals import contact_citizen_attached, contact_ended, contact_started
from tests.contacts.conftest import new_citizen
from tests.factories import StaffFactory
from tests.factories.contacts import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    """Collects the contacts app's domain signals sent during the test."""
    events = []

    def handler(signal_name):
        def receive(sender, **kwargs):
            events.append((signal_name, kwargs))

        return receive

    handlers = {
        contact_started: handler("started"),
        contact_citizen_attached: handler("attached"),
        contact_ended: handler("ended"),
    }
    for signal, func in handlers.items():
        signal.connect(func)
    yield events
    for signal, func in handlers.items():
        signal.disconnect(func)


def test_contact_start_opens_a_contact_and_sends_contact_started(agent, ref, received):
    citizen = new_citizen()
    contact = contact_start(
        actor=agent, channel=ref.phone, location=ref.contact_centre, citizen=citizen
    )
    assert contact.status == Contact.Status.OPEN
    assert contact.citizen == citizen
    assert contact.agent == agent
    assert received == [
        ("started", {"signal": contact_started, "instance": contact, "actor": agent})
    ]
    audit = AuditEvent.objects.get(object_type="contacts.contact")
    assert audit.contact_id == contact.pk
    assert audit.citizen == citizen


def test_contact_start_anonymous_has_no_citizen(agent, ref):
    contact = contact_start(actor=agent, channel=ref.phone, location=ref.contact_centre)
    assert contact.citizen is None
    assert "Anonymous" in str(contact)


def test_second_contact_start_is_refused_with_the_open_one(receptionist, ref):
    first = contact_start(actor=receptionist, channel=ref.face_to_face, location=ref.reception)
    with pytest.raises(ContactAlreadyOpen) as refused:
        contact_start(actor=receptionist, channel=ref.face_to_face, location=ref.reception)
    assert refused.value.contact == first
    assert Contact.objects.open().filter(agent=receptionist).count() == 1


def test_database_refuses_two_open_contacts_for_one_member_of_staff(agent, ref):
    ContactFactory(agent=agent, channel=ref.phone, location=ref.contact_centre)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ContactFactory(agent=agent, channel=ref.phone, location=ref.contact_centre)


def test_different_staff_each_hold_their_own_open_contact(agent, receptionist, ref):
    contact_start(actor=agent, channel=ref.phone, location=ref.contact_centre)
    contact_start(actor=receptionist, channel=ref.face_to_face, location=ref.reception)
    assert Contact.objects.open().count() == 2


def test_attach_citizen_to_anonymous_contact_sends_signal(agent, ref, received):
    contact = contact_start(actor=agent, channel=ref.phone, location=ref.contact_centre)
    citizen = new_citizen()
    contact = contact_attach_citizen(actor=agent, contact=contact, citizen=citizen)
    contact.refresh_from_db()
    assert contact.citizen == citizen
    assert received[-1][0] == "attached"
    assert received[-1][1]["citizen"] == citizen


def test_attach_a_second_citizen_is_refused(agent, ref):
    first = new_citizen()
    contact = contact_start(
        actor=agent, channel=ref.phone, location=ref.contact_centre, citizen=first
    )
    with pytest.raises(ValidationError, match="already with someone else"):
        contact_attach_citizen(actor=agent, contact=contact, citizen=new_citizen())


def test_attach_to_an_ended_contact_is_refused(agent, ref, outcome_details):
    contact = contact_start(actor=agent, channel=ref.phone, location=ref.contact_centre)
    contact_end(actor=agent, contact=contact, **outcome_details)
    with pytest.raises(ContactNotOpen):
        contact_attach_citizen(actor=agent, contact=contact, citizen=new_citizen())


def test_contact_end_records_the_outcome(agent, ref, outcome_details, received):
    contact = contact_start(actor=agent, channel=ref.phone, location=ref.contact_centre)
    outcome_details["partners"] = [ref.citizens_advice]
    contact = contact_end(actor=agent, contact=contact, **outcome_details)
    contact.refresh_from_db()
    assert contact.status == Contact.Status.ENDED
    assert contact.ended_at >= contact.started_at
    assert contact.contact_type == ref.missed_bin
    assert contact.outcome == ref.resolved
    assert contact.avoidable is True
    assert contact.avoidable_reason == ref.chasing
    assert list(contact.partners.all()) == [ref.citizens_advice]
    assert received[-1] == (
        "ended",
        {"signal": contact_ended, "instance": contact, "actor": agent},
    )


def test_contact_end_requires_a_contact_type_in_the_service_area(agent, ref, outcome_details):
    contact = contact_start(actor=agent, channel=ref.phone, location=ref.contact_centre)
    outcome_details["contact_type"] = ref.balance
    with pytest.raises(ValidationError) as error:
        contact_end(actor=agent, contact=contact, **outcome_details)
    assert "is not a contact type of Waste Management" in str(error.value.message_dict)
    contact.refresh_from_db()
    assert contact.is_open


def test_contact_end_requires_a_reason_when_avoidable(agent, ref, outcome_details):
    contact = contact_start(actor=agent, channel=ref.phone, location=ref.contact_centre)
    outcome_details["avoidable_reason"] = None
    with pytest.raises(ValidationError, match="Select why the contact was avoidable"):
        contact_end(actor=agent, contact=contact, **outcome_details)


def test_contact_end_drops_the_reason_when_not_avoidable(agent, ref, outcome_details):
    contact = contact_start(actor=agent, channel=ref.phone, location=ref.contact_centre)
    outcome_details["avoidable"] = False
    contact = contact_end(actor=agent, contact=contact, **outcome_details)
    assert contact.avoidable_reason is None


def test_contact_end_twice_is_refused(agent, ref, outcome_details):
    contact = contact_start(actor=agent, channel=ref.phone, location=ref.contact_centre)
    contact_end(actor=agent, contact=contact, **outcome_details)
    with pytest.raises(ContactNotOpen):
        contact_end(actor=agent, contact=contact, **outcome_details)


def test_after_ending_a_new_contact_can_start(agent, ref, outcome_details):
    contact = contact_start(actor=agent, channel=ref.phone, location=ref.contact_centre)
    contact_end(actor=agent, contact=contact, **outcome_details)
    assert contact_start(actor=agent, channel=ref.phone, location=ref.contact_centre).is_open


@override_settings(CONTACT_ABANDON_AFTER_MINUTES=120)
def test_close_abandoned_closes_only_old_open_contacts(ref, received):
    now = timezone.now()
    old = ContactFactory(
        channel=ref.phone, location=ref.contact_centre, started_at=now - timedelta(minutes=121)
    )
    recent = ContactFactory(
        agent=StaffFactory(),
        channel=ref.phone,
        location=ref.contact_centre,
        started_at=now - timedelta(minutes=30),
    )
    assert contact_close_abandoned(now=now) == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == Contact.Status.AUTO_CLOSED
    assert old.outcome == ref.not_recorded
    assert old.needs_review
    assert old.ended_at == now
    assert recent.is_open
    assert received[-1] == ("ended", {"signal": contact_ended, "instance": old, "actor": None})
    assert contact_close_abandoned(now=now) == 0


def test_completing_an_auto_closed_contact_clears_needs_review(ref, outcome_details):
    agent = StaffFactory()
    contact = ContactFactory(
        agent=agent,
        channel=ref.phone,
        location=ref.contact_centre,
        started_at=timezone.now() - timedelta(days=1),
    )
    contact_close_abandoned()
    contact = contact_end(actor=agent, contact=contact, **outcome_details)
    contact.refresh_from_db()
    assert not contact.needs_review
    assert contact.status == Contact.Status.AUTO_CLOSED
    assert contact.outcome == ref.resolved


def test_contact_record_saves_a_whole_contact(agent, ref, outcome_details, received):
    start = timezone.now() - timedelta(minutes=10)
    contact = contact_record(
        actor=agent,
        channel=ref.phone,
        location=ref.contact_centre,
        citizen=None,
        started_at=start,
        ended_at=start + timedelta(minutes=4),
        **outcome_details,
    )
    assert contact.status == Contact.Status.ENDED
    assert contact.duration == timedelta(minutes=4)
    assert [name for name, _ in received] == ["started", "ended"]
    # A recorded contact does not count as the agent's open contact.
    assert contact_start(actor=agent, channel=ref.phone, location=ref.contact_centre).is_open
