"""Timeline entries for the citizen register: created, profile changed, merged, notes."""

import hashlib
from itertools import groupby

from timeline.models import Kind
from timeline.services import EntryData, entries_write_many, entry_write
from timeline.sources import Source, link_to, register

CITIZEN = "citizens.citizen"
NOTE = "citizens.note"
NOTE_PREVIEW = 140


def _pk(actor):
    return getattr(actor, "pk", None)


def citizen_created_entry(citizen, *, actor_id=None) -> EntryData:
    summary = f"Account {citizen.reference} created for {citizen.full_name}"
    if citizen.no_contact_details_reason:
        summary += f" (no email address: {citizen.no_contact_details_reason})"
    return EntryData(
        key=f"{CITIZEN}:{citizen.pk}:created",
        citizen_id=citizen.pk,
        kind=Kind.CITIZEN_CREATED,
        occurred_at=citizen.created_at,
        summary=summary,
        actor_id=actor_id if actor_id is not None else citizen.created_by_id,
        source_type=CITIZEN,
        source_id=str(citizen.pk),
    )


def _safe_changes(changes) -> list[dict]:
    """Changes as shown in the feed: sensitive fields say that they changed, never the values."""
    safe = []
    for change in changes:
        sensitive = bool(change.get("sensitive"))
        safe.append(
            {
                "field": change.get("field", ""),
                "label": change.get("label") or change.get("field", ""),
                "old": None if sensitive else _text(change.get("old")),
                "new": None if sensitive else _text(change.get("new")),
                "sensitive": sensitive,
            }
        )
    return safe


def _text(value) -> str:
    if value is None or value == "":
        return ""
    return str(value)[:200]


def _change_key(citizen_id, version, changes) -> str:
    """Stable per saved version, so a rebuild from the change history finds the same entry."""
    fields = ",".join(sorted({c.get("field") or c.get("label", "") for c in changes}))
    digest = hashlib.sha1(fields.encode(), usedforsecurity=False).hexdigest()[:10]
    return f"{CITIZEN}:{citizen_id}:changed:v{version}:{digest}"


def profile_changed_entry(citizen, *, changes, actor_id, occurred_at, key) -> EntryData:
    safe = _safe_changes(changes)
    labels = ", ".join(c["label"] for c in safe) or "details"
    return EntryData(
        key=key,
        citizen_id=citizen.pk,
        kind=Kind.PROFILE_CHANGED,
        occurred_at=occurred_at,
        summary=f"Changed {labels}",
        actor_id=actor_id,
        source_type=CITIZEN,
        source_id=str(citizen.pk),
        detail={"changes": safe},
    )


def citizens_merged_entry(survivor, *, merged, reason, actor_id, occurred_at) -> EntryData:
    return EntryData(
        key=f"{CITIZEN}:{merged.pk}:merged",
        citizen_id=survivor.pk,
        kind=Kind.CITIZENS_MERGED,
        occurred_at=occurred_at,
        summary=f"Record {merged.reference} ({merged.full_name}) merged into this one: {reason}",
        actor_id=actor_id,
        source_type=CITIZEN,
        source_id=str(merged.pk),
        detail={"merged_reference": merged.reference, "reason": reason},
    )


def note_added_entry(note) -> EntryData:
    if note.sensitive:
        # The text stays on the notes panel, behind the sensitive-notes permission.
        summary = "Sensitive note added"
    else:
        text = " ".join(note.text.split())
        preview = text if len(text) <= NOTE_PREVIEW else text[: NOTE_PREVIEW - 1] + "…"
        summary = f"Note: {preview}"
    if note.corrects_id:
        summary = "Correction – " + summary[0].lower() + summary[1:]
    return EntryData(
        key=f"{NOTE}:{note.pk}:added",
        citizen_id=note.citizen_id,
        kind=Kind.NOTE_ADDED,
        occurred_at=note.created_at,
        summary=summary,
        actor_id=note.author_id,
        service_area_id=note.service_area_id,
        source_type=NOTE,
        source_id=str(note.pk),
        detail={"sensitive": note.sensitive},
    )


# --- live events ------------------------------------------------------------------------------


def on_citizen_created(sender, instance, actor=None, **kwargs):
    entry_write(data=citizen_created_entry(instance, actor_id=_pk(actor)))


def on_citizens_created(sender, instances=(), actor=None, **kwargs):
    """A batch created at once (bulk import): the same entries, written in one statement."""
    entries_write_many(
        data=[citizen_created_entry(citizen, actor_id=_pk(actor)) for citizen in instances]
    )


def on_citizen_changed(sender, instance, actor=None, changes=(), **kwargs):
    if not changes:
        return
    entry_write(
        data=profile_changed_entry(
            instance,
            changes=changes,
            actor_id=_pk(actor),
            occurred_at=instance.updated_at,
            key=_change_key(instance.pk, instance.version, changes),
        )
    )


def on_citizens_merged(sender, instance, merged=None, actor=None, reason="", **kwargs):
    entry_write(
        data=citizens_merged_entry(
            instance,
            merged=merged,
            reason=reason,
            actor_id=_pk(actor),
            occurred_at=merged.updated_at,
        )
    )


def on_note_added(sender, instance, actor=None, **kwargs):
    entry_write(data=note_added_entry(instance))


def connect() -> None:
    from citizens import signals

    for signal, receiver in [
        (signals.citizen_created, on_citizen_created),
        (signals.citizens_created, on_citizens_created),
        (signals.citizen_changed, on_citizen_changed),
        (signals.citizens_merged, on_citizens_merged),
        (signals.note_added, on_note_added),
    ]:
        signal.connect(receiver, dispatch_uid=f"timeline_{receiver.__name__}")


# --- rebuild ----------------------------------------------------------------------------------


def history(citizen_ids):
    from citizens.models import Citizen, CitizenChange, MergeRecord, Note

    def scoped(queryset, field="citizen_id"):
        if citizen_ids is None:
            return queryset
        return queryset.filter(**{f"{field}__in": citizen_ids})

    for citizen in scoped(Citizen.objects.all(), "pk").order_by("pk").iterator(chunk_size=2000):
        yield citizen_created_entry(citizen)

    # One entry per saved version, under the same key the live signal used.
    changes = scoped(CitizenChange.objects.select_related("citizen")).order_by(
        "citizen_id", "version", "id"
    )
    for (_citizen_id, version), rows in groupby(
        changes.iterator(chunk_size=2000), key=lambda c: (c.citizen_id, c.version)
    ):
        rows = list(rows)
        first = rows[0]
        as_signalled = [
            {
                "field": r.field,
                "label": r.label,
                "old": r.old,
                "new": r.new,
                "sensitive": r.sensitive,
            }
            for r in rows
        ]
        yield profile_changed_entry(
            first.citizen,
            changes=as_signalled,
            actor_id=first.changed_by_id,
            occurred_at=first.changed_at,
            key=_change_key(first.citizen_id, version, as_signalled),
        )

    merges = scoped(MergeRecord.objects.select_related("survivor", "merged"), "survivor_id")
    for merge in merges.order_by("pk").iterator(chunk_size=2000):
        yield citizens_merged_entry(
            merge.survivor,
            merged=merge.merged,
            reason=merge.reason,
            actor_id=merge.merged_by_id,
            occurred_at=merge.merged_at,
        )

    for note in scoped(Note.objects.all()).order_by("pk").iterator(chunk_size=2000):
        yield note_added_entry(note)


register(
    Source(
        name="citizens",
        connect=connect,
        history=history,
        links={
            CITIZEN: link_to("citizens:detail", attr="citizen_id"),
            NOTE: link_to("citizens:detail", attr="citizen_id", anchor="#notes"),
        },
    )
)
