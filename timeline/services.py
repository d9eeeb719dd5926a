"""Writes to the timeline. Receivers build an `EntryData` per event; these functions store it."""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.db import transaction

from timeline.models import KIND_CATEGORY, ActorType, Entry

UPSERT_FIELDS = [
    "citizen",
    "occurred_at",
    "kind",
    "category",
    "service_area",
    "actor",
    "actor_type",
    "summary",
    "detail",
    "source_type",
    "source_id",
]


@dataclass(frozen=True)
class EntryData:
    """One event, described by the receiver that heard it (or by a history function)."""

    key: str
    citizen_id: int
    kind: str
    occurred_at: datetime
    summary: str
    actor_id: int | None = None
    actor_type: str = ActorType.STAFF
    service_area_id: int | None = None
    source_type: str = ""
    source_id: str = ""
    detail: dict = field(default_factory=dict)

    def to_entry(self) -> Entry:
        # Field by field, not `dataclasses.asdict` (which copies `detail` recursively: a tenth
        # of a 100,000-row import's CPU went there); the entry gets its own top-level `detail`.
        actor_type = self.actor_type
        if actor_type == ActorType.STAFF and self.actor_id is None:
            actor_type = ActorType.SYSTEM
        return Entry(
            key=self.key,
            citizen_id=self.citizen_id,
            kind=self.kind,
            occurred_at=self.occurred_at,
            summary=self.summary[:300],
            actor_id=self.actor_id,
            actor_type=actor_type,
            service_area_id=self.service_area_id,
            source_type=self.source_type,
            source_id=self.source_id,
            detail=dict(self.detail),
            category=KIND_CATEGORY.get(self.kind, ""),
        )


def entry_write(*, data: EntryData) -> Entry:
    """Store one event; an event already stored under the same key is updated, not duplicated.

    One INSERT … ON CONFLICT (key) DO UPDATE: a single round trip inside the sender's
    transaction, whether the entry is new or re-sent.
    """
    (entry,) = Entry.objects.bulk_create(
        [data.to_entry()],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=UPSERT_FIELDS,
    )
    return entry


@transaction.atomic
def entries_write_many(*, data: Iterable[EntryData], batch_size: int = 1000) -> int:
    """Upsert many events by key (used by rebuilds); returns how many were written."""
    written = 0
    batch: list[Entry] = []
    for item in data:
        batch.append(item.to_entry())
        if len(batch) >= batch_size:
            written += _upsert(batch)
            batch = []
    if batch:
        written += _upsert(batch)
    return written


def _upsert(batch: list[Entry]) -> int:
    # The same key twice in one statement is an error on PostgreSQL: keep the last one.
    unique = list({entry.key: entry for entry in batch}.values())
    Entry.objects.bulk_create(
        unique, update_conflicts=True, unique_fields=["key"], update_fields=UPSERT_FIELDS
    )
    return len(unique)


@transaction.atomic
def entries_move(*, survivor, merged) -> list[int]:
    """After a merge the survivor's feed holds the merged record's history too.

    The timeline's merge handler (`citizens.merge.register_merge_handler`): the only place
    that moves entries on a merge. Returns the ids moved, which the merge keeps for an undo.
    """
    ids = list(Entry.objects.filter(citizen_id=merged.pk).values_list("pk", flat=True))
    Entry.objects.filter(pk__in=ids).update(citizen_id=survivor.pk)
    return ids


@transaction.atomic
def entries_move_back(*, survivor, merged, ids) -> int:
    """Undoing a merge: the entries it moved go back to the record they came from."""
    return Entry.objects.filter(pk__in=ids, citizen_id=survivor.pk).update(citizen_id=merged.pk)


def _survivors() -> dict[int, int]:
    """Merged record id -> the record it finally lives on (following chains of merges)."""
    from citizens.models import Citizen

    merged_into = dict(
        Citizen.objects.filter(merged_into__isnull=False).values_list("pk", "merged_into_id")
    )
    final = {}
    for start in merged_into:
        current, seen = start, set()
        while current in merged_into and current not in seen:
            seen.add(current)
            current = merged_into[current]
        final[start] = current
    return final


def timeline_rebuild(*, citizen_ids: list[int] | None = None, sources=None) -> dict[str, int]:
    """Regenerate entries from the source records, idempotently (upsert by key).

    Entries of records merged into a citizen are rebuilt onto the surviving record, as the live
    merge receiver moved them. Entries that only live events can produce are left alone.
    """
    from timeline.sources import SOURCES

    survivors = _survivors()
    scope = None
    if citizen_ids is not None:
        wanted = set(citizen_ids)
        scope = sorted(wanted | {m for m, s in survivors.items() if s in wanted})
    counts = {}
    for name, source in SOURCES.items():
        if source.history is None or (sources and name not in sources):
            continue
        data = (
            replace(item, citizen_id=survivors.get(item.citizen_id, item.citizen_id))
            for item in source.history(scope)
        )
        counts[name] = entries_write_many(data=data)
    return counts
