"""`EntryData.to_entry` copies every field of the event onto the entry it stores."""

from dataclasses import fields
from datetime import UTC, datetime

from timeline.models import ActorType
from timeline.services import EntryData


def test_every_field_reaches_the_entry_and_the_detail_is_the_entrys_own():
    data = EntryData(
        key="k-1",
        citizen_id=7,
        kind="note_added",
        occurred_at=datetime(2026, 11, 29, 9, 30, tzinfo=UTC),
        summary="x" * 400,
        actor_id=3,
        actor_type=ActorType.STAFF,
        service_area_id=5,
        source_type="note",
        source_id="12",
        detail={"text": "Called about the bins", "tags": ["bins"]},
    )
    entry = data.to_entry()
    for f in fields(EntryData):
        expected = getattr(data, f.name)
        if f.name == "summary":
            expected = expected[:300]
        assert getattr(entry, f.name) == expected, f.name
    assert entry.detail is not data.detail
    assert entry.category  # the kind's category is filled in


def test_a_staff_event_without_a_member_of_staff_is_the_systems():
    data = EntryData(
        key="k-2",
        citizen_id=7,
        kind="record_imported",
        occurred_at=datetime(2026, 11, 29, tzinfo=UTC),
        summary="Imported",
    )
    assert data.to_entry().actor_type == ActorType.SYSTEM
