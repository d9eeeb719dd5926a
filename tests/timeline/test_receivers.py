"""Each kind of event reaches the feed with the right actor, summary, service area and link,
sent through the source apps' real domain signals."""

import pytest
from django.utils import timezone

from citizens import signals as citizen_signals
from citizens.models import Citizen, Note
from citizens.services import citizens_merge
from contacts import signals as contact_signals
from contacts.models import Contact
from tests.factories import EntryFactory, ServiceAreaFactory
from tests.timeline import builders as make
from timeline.models import ActorType, Category, Entry, Kind
from verification import signals as verification_signals
from verification.models import VerificationAttempt

pytestmark = pytest.mark.django_db


def only_entry(citizen, kind):
    entries = list(Entry.objects.filter(citizen=citizen, kind=kind))
    assert len(entries) == 1, entries
    return entries[0]


def test_citizen_created_names_the_agent_and_the_account():
    agent = make.staff()
    person = make.citizen(created_by=agent)
    citizen_signals.citizen_created.send(sender=Citizen, instance=person, actor=agent)
    entry = only_entry(person, Kind.CITIZEN_CREATED)
    assert entry.actor == agent
    assert entry.category == Category.PROFILE
    assert entry.summary == f"Account {person.reference} created for {person.full_name}"
    assert entry.occurred_at == person.created_at


def test_profile_change_lists_fields_and_hides_sensitive_values():
    agent = make.staff()
    person = make.citizen()
    changes = [
        {
            "field": "last_name",
            "label": "Last name",
            "old": "Smith",
            "new": "Jones",
            "sensitive": False,
        },
        {
            "field": "date_of_birth",
            "label": "Date of birth",
            "old": "1980-05-17",
            "new": "1981-05-17",
            "sensitive": True,
        },
    ]
    citizen_signals.citizen_changed.send(
        sender=Citizen, instance=person, actor=agent, changes=changes
    )
    entry = only_entry(person, Kind.PROFILE_CHANGED)
    assert entry.actor == agent
    assert entry.summary == "Changed Last name, Date of birth"
    assert entry.detail["changes"][0]["old"] == "Smith"
    assert entry.detail["changes"][1] == {
        "field": "date_of_birth",
        "label": "Date of birth",
        "old": None,
        "new": None,
        "sensitive": True,
    }
    assert "1980" not in str(entry.detail)
    assert "1981" not in str(entry.detail)


def test_merge_moves_the_history_to_the_survivor_and_says_why():
    leader = make.staff()
    survivor, merged = make.citizen(), make.citizen()
    moved = EntryFactory(citizen=merged)
    citizens_merge(actor=leader, survivor=survivor, merged=merged, reason="Same person")
    moved.refresh_from_db()
    assert moved.citizen == survivor
    entry = only_entry(survivor, Kind.CITIZENS_MERGED)
    assert entry.actor == leader
    assert entry.summary.startswith(f"Record {merged.reference}")
    assert entry.summary.endswith(": Same person")


def test_note_added_shows_a_preview_and_the_service_area():
    agent = make.staff()
    person = make.citizen()
    area = ServiceAreaFactory(name="Housing")
    note = make.note(
        citizen=person, author=agent, text="Damp in the  back bedroom", service_area=area
    )
    citizen_signals.note_added.send(sender=Note, instance=note, actor=agent)
    entry = only_entry(person, Kind.NOTE_ADDED)
    assert (entry.actor, entry.service_area) == (agent, area)
    assert entry.summary == "Note: Damp in the back bedroom"
    assert entry.source_type == "citizens.note"


def test_sensitive_note_text_never_reaches_the_feed():
    agent = make.staff()
    person = make.citizen()
    note = make.note(citizen=person, author=agent, text="Fleeing domestic abuse", sensitive=True)
    citizen_signals.note_added.send(sender=Note, instance=note, actor=agent)
    entry = only_entry(person, Kind.NOTE_ADDED)
    assert entry.summary == "Sensitive note added"
    assert "abuse" not in str(entry.detail)


@pytest.mark.parametrize(
    ("result", "kind", "summary"),
    [
        ("pass", Kind.VERIFICATION_PASSED, "Verified against Council tax account CT123456"),
        (
            "fail",
            Kind.VERIFICATION_FAILED,
            "Failed verification against Council tax account CT123456 (2 answers wrong)",
        ),
        (
            "locked",
            Kind.VERIFICATION_LOCKED,
            "Verification against Council tax account CT123456 refused: locked",
        ),
    ],
)
def test_verification_attempts_say_pass_fail_or_locked(result, kind, summary, settings):
    settings.VERIFICATION_REVEAL_WRONG_ANSWERS = True
    agent = make.staff()
    person = make.citizen()
    account = make.service_account(citizen=person)
    make.security_answer(account=account)
    attempt = make.attempt(
        account=account,
        staff=agent,
        result=result,
        failed_questions=["postcode", "dob"] if result == "fail" else [],
    )
    verification_signals.verification_attempted.send(
        sender=VerificationAttempt,
        instance=attempt,
        actor=agent,
        citizen_id=person.pk,
        service_account_label=str(account),
        service_area_id=account.service_area_id,
    )
    entry = only_entry(person, kind)
    assert entry.summary == summary
    assert (entry.actor, entry.service_area) == (agent, account.service_area)
    assert "SECRETHASH" not in str(entry.detail) + entry.summary


def test_contact_started_and_ended_with_outcome():
    agent = make.staff()
    person = make.citizen()
    contact = make.contact(citizen=person, agent=agent)
    contact_signals.contact_started.send(sender=Contact, instance=contact, actor=agent)
    started = only_entry(person, Kind.CONTACT_STARTED)
    assert started.actor == agent
    assert started.summary == "Phone contact started at Contact centre about Missed bin"

    ended_contact = make.contact(citizen=person, agent=agent, ended=True)
    contact_signals.contact_ended.send(sender=Contact, instance=ended_contact, actor=agent)
    ended = only_entry(person, Kind.CONTACT_ENDED)
    assert ended.actor == agent
    assert ended.summary == (
        "Phone contact ended: Resolved – Missed bin (resolved at first contact)"
    )
    assert ended.service_area.name == "Waste Management"
    assert ended.detail["duration_minutes"] == 7


def test_anonymous_contact_appears_once_the_caller_is_identified():
    agent = make.staff()
    contact = make.contact(citizen=None, agent=agent)
    contact_signals.contact_started.send(sender=Contact, instance=contact, actor=agent)
    assert not Entry.objects.exists()
    person = make.citizen()
    contact.citizen = person
    contact.save()
    contact_signals.contact_citizen_attached.send(
        sender=Contact, instance=contact, citizen=person, actor=agent
    )
    assert only_entry(person, Kind.CONTACT_STARTED).actor == agent


def test_contact_closed_by_the_system_then_completed_by_staff_updates_one_entry():
    agent = make.staff()
    person = make.citizen()
    contact = make.contact(
        citizen=person,
        agent=agent,
        status=Contact.Status.AUTO_CLOSED,
        ended_at=timezone.now(),
        needs_review=True,
    )
    contact_signals.contact_ended.send(sender=Contact, instance=contact, actor=None)
    entry = only_entry(person, Kind.CONTACT_ENDED)
    assert entry.actor_type == ActorType.SYSTEM
    assert entry.actor_display == "System"
    assert "closed automatically" in entry.summary

    contact.status = Contact.Status.ENDED
    contact.outcome = make.OutcomeFactory(code="resolved")
    contact.save()
    contact_signals.contact_ended.send(sender=Contact, instance=contact, actor=agent)
    entry = only_entry(person, Kind.CONTACT_ENDED)
    assert entry.actor == agent
    assert entry.summary.startswith("Phone contact ended: Resolved")


def test_sending_the_same_event_twice_keeps_one_entry():
    agent = make.staff()
    person = make.citizen()
    note = make.note(citizen=person, author=agent)
    for _ in range(2):
        citizen_signals.note_added.send(sender=Note, instance=note, actor=agent)
    assert Entry.objects.filter(citizen=person).count() == 1


def test_entries_link_to_what_they_are_about():
    agent = make.staff()
    person = make.citizen()
    contact = make.contact(citizen=person, agent=agent)
    contact_signals.contact_started.send(sender=Contact, instance=contact, actor=agent)
    entry = only_entry(person, Kind.CONTACT_STARTED)
    assert entry.source_url in ("", f"/contacts/{contact.pk}/")
    assert EntryFactory(source_type="unknown.thing").source_url == ""
