import io

import pytest
from django.core.management import CommandError, call_command

from citizens.models import CitizenChange, MergeRecord
from tests.factories import EntryFactory
from tests.timeline import builders as make
from timeline.models import Entry, Kind
from timeline.services import timeline_rebuild

pytestmark = pytest.mark.django_db


def snapshot():
    return sorted(
        Entry.objects.values_list(
            "key", "citizen_id", "kind", "summary", "actor_id", "service_area_id", "occurred_at"
        )
    )


@pytest.fixture
def history(db):
    agent = make.staff()
    person = make.citizen(created_by=agent)
    make.contact(citizen=person, agent=agent, ended=True)
    make.contact(citizen=person, agent=agent)
    make.note(citizen=person, author=agent)
    account = make.service_account(citizen=person)
    make.attempt(account=account, staff=agent, result="fail", failed_questions=["postcode"])
    for field, label in [("last_name", "Last name"), ("title", "Title")]:
        CitizenChange.objects.create(
            citizen=person,
            version=2,
            field=field,
            label=label,
            old="a",
            new="b",
            changed_by=agent,
        )
    merged = make.citizen(status="merged", merged_into=person)
    make.note(citizen=merged, author=agent, text="On the old record")
    MergeRecord.objects.create(survivor=person, merged=merged, reason="Duplicate", merged_by=agent)
    other = make.citizen()
    make.note(citizen=other, author=agent)
    return person, merged, other


def test_rebuild_regenerates_every_kind_from_the_source_records(history):
    person, merged, other = history
    timeline_rebuild()
    kinds = sorted(Entry.objects.filter(citizen=person).values_list("kind", flat=True))
    assert kinds == sorted(
        [
            Kind.CITIZEN_CREATED,
            Kind.CITIZEN_CREATED,  # its own and the merged record's
            Kind.CONTACT_STARTED,
            Kind.CONTACT_ENDED,
            Kind.CONTACT_STARTED,
            Kind.NOTE_ADDED,
            Kind.NOTE_ADDED,
            Kind.VERIFICATION_FAILED,
            Kind.PROFILE_CHANGED,
            Kind.CITIZENS_MERGED,
        ]
    )
    change = Entry.objects.get(kind=Kind.PROFILE_CHANGED)
    assert change.summary == "Changed Last name, Title"
    assert not Entry.objects.filter(citizen=merged).exists()
    assert Entry.objects.filter(citizen=other).count() == 2


def test_rebuild_is_idempotent(history):
    timeline_rebuild()
    first = snapshot()
    timeline_rebuild()
    call_command("rebuild_timeline", stdout=io.StringIO())
    assert snapshot() == first


def test_rebuild_keeps_entries_only_live_events_can_make_and_fixes_stale_ones(history):
    person, *_ = history
    live_only = EntryFactory(citizen=person)
    timeline_rebuild()
    note_entry = Entry.objects.get(citizen=person, kind=Kind.NOTE_ADDED, summary__contains="bins")
    Entry.objects.filter(pk=note_entry.pk).update(summary="tampered")
    timeline_rebuild(citizen_ids=[person.pk])
    note_entry.refresh_from_db()
    assert note_entry.summary == "Note: Called about the bins"
    assert Entry.objects.filter(pk=live_only.pk).exists()


def test_rebuild_agrees_with_the_live_receivers(history):
    """Entries written live and rebuilt from records share keys: no duplicates."""
    from citizens import signals
    from citizens.models import Note

    person, *_ = history
    note = make.note(citizen=person, author=make.staff())
    signals.note_added.send(sender=Note, instance=note, actor=note.author)
    changes = [
        {"field": "email", "label": "Email", "old": "", "new": "x@example.com", "sensitive": False}
    ]
    person.version = 3
    CitizenChange.objects.create(
        citizen=person, version=3, field="email", label="Email", old="", new="x@example.com"
    )
    signals.citizen_changed.send(sender=type(person), instance=person, actor=None, changes=changes)
    before = Entry.objects.count()
    timeline_rebuild(citizen_ids=[person.pk])
    assert Entry.objects.filter(source_type="citizens.note", source_id=str(note.pk)).count() == 1
    assert Entry.objects.filter(kind=Kind.PROFILE_CHANGED, summary="Changed Email").count() == 1
    assert Entry.objects.count() >= before


def test_command_for_one_citizen_by_reference(history):
    person, _merged, other = history
    out = io.StringIO()
    call_command("rebuild_timeline", "--citizen", person.reference, stdout=out)
    assert "Timeline rebuilt." in out.getvalue()
    assert Entry.objects.filter(citizen=person).exists()
    assert not Entry.objects.filter(citizen=other).exists()


def test_command_refuses_an_unknown_citizen(db):
    with pytest.raises(CommandError, match="No citizen with id or reference 'C404'"):
        call_command("rebuild_timeline", "--citizen", "C404", stdout=io.StringIO())
