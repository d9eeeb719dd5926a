"""Timeline entries for contacts (calls, visits, emails…): started, and ended with an outcome."""

from timeline.models import ActorType, Kind
from timeline.services import EntryData, entry_write
from timeline.sources import Source, link_to, register

SOURCE_TYPE = "contacts.contact"


def _what(contact) -> str:
    channel = str(contact.channel) if contact.channel_id else "Contact"
    return f"{channel} contact"


def contact_started_entry(contact, *, actor_id=None) -> EntryData:
    summary = f"{_what(contact)} started"
    if contact.location_id:
        summary += f" at {contact.location}"
    if contact.contact_type_id:
        summary += f" about {contact.contact_type.name}"
    return EntryData(
        key=f"{SOURCE_TYPE}:{contact.pk}:started",
        citizen_id=contact.citizen_id,
        kind=Kind.CONTACT_STARTED,
        occurred_at=contact.started_at,
        summary=summary,
        actor_id=actor_id if actor_id is not None else contact.agent_id,
        service_area_id=contact.service_area_id,
        source_type=SOURCE_TYPE,
        source_id=str(contact.pk),
        detail={
            "channel": str(contact.channel) if contact.channel_id else "",
            "location": str(contact.location) if contact.location_id else "",
        },
    )


def contact_ended_entry(contact, *, actor_id=None, by_system=None) -> EntryData:
    """`by_system` None means: work it out from the record (rebuilds)."""
    auto_closed = contact.status == contact.Status.AUTO_CLOSED
    if by_system is None:
        by_system = auto_closed and not actor_id
    if auto_closed and by_system:
        summary = f"{_what(contact)} closed automatically (nobody ended it)"
    else:
        outcome = contact.outcome.name if contact.outcome_id else "no outcome recorded"
        summary = f"{_what(contact)} ended: {outcome}"
    if contact.contact_type_id:
        summary += f" – {contact.contact_type.name}"
    facts = []
    if contact.resolved_at_first_contact:
        facts.append("resolved at first contact")
    if contact.avoidable:
        facts.append("avoidable contact")
    if facts:
        summary += f" ({', '.join(facts)})"
    duration = None
    if contact.ended_at and contact.started_at:
        duration = max(0, round((contact.ended_at - contact.started_at).total_seconds() / 60))
    return EntryData(
        key=f"{SOURCE_TYPE}:{contact.pk}:ended",
        citizen_id=contact.citizen_id,
        kind=Kind.CONTACT_ENDED,
        occurred_at=contact.ended_at or contact.started_at,
        summary=summary,
        actor_id=None if by_system else (actor_id or contact.agent_id),
        actor_type=ActorType.SYSTEM if by_system else ActorType.STAFF,
        service_area_id=contact.service_area_id,
        source_type=SOURCE_TYPE,
        source_id=str(contact.pk),
        detail={
            "channel": str(contact.channel) if contact.channel_id else "",
            "outcome": contact.outcome.name if contact.outcome_id else "",
            "contact_type": contact.contact_type.name if contact.contact_type_id else "",
            "resolved_at_first_contact": contact.resolved_at_first_contact,
            "avoidable": contact.avoidable,
            "duration_minutes": duration,
        },
    )


def _is_ended(contact) -> bool:
    return contact.status != contact.Status.OPEN


# --- live events ------------------------------------------------------------------------------


def on_contact_started(sender, instance, actor=None, **kwargs):
    if instance.citizen_id:
        entry_write(data=contact_started_entry(instance, actor_id=getattr(actor, "pk", None)))


def on_contact_citizen_attached(sender, instance, citizen=None, actor=None, **kwargs):
    """A contact that began anonymous (or with someone else) now belongs to this citizen."""
    if not instance.citizen_id:
        return
    entry_write(data=contact_started_entry(instance))
    if _is_ended(instance):
        entry_write(data=contact_ended_entry(instance))


def on_contact_ended(sender, instance, actor=None, **kwargs):
    """Sent again when staff complete a contact the system closed: the entry is updated."""
    if instance.citizen_id:
        entry_write(
            data=contact_ended_entry(
                instance, actor_id=getattr(actor, "pk", None), by_system=actor is None
            )
        )


def connect() -> None:
    from contacts import signals

    signals.contact_started.connect(on_contact_started, dispatch_uid="timeline_contact_started")
    signals.contact_citizen_attached.connect(
        on_contact_citizen_attached, dispatch_uid="timeline_contact_citizen_attached"
    )
    signals.contact_ended.connect(on_contact_ended, dispatch_uid="timeline_contact_ended")


# --- rebuild ----------------------------------------------------------------------------------


def history(citizen_ids):
    from contacts.models import Contact

    contacts = Contact.objects.filter(citizen__isnull=False).select_related(
        "channel", "location", "contact_type", "outcome"
    )
    if citizen_ids is not None:
        contacts = contacts.filter(citizen_id__in=citizen_ids)
    for contact in contacts.order_by("pk").iterator(chunk_size=2000):
        yield contact_started_entry(contact)
        if _is_ended(contact):
            yield contact_ended_entry(contact)


register(
    Source(
        name="contacts",
        connect=connect,
        history=history,
        links={SOURCE_TYPE: link_to("contacts:detail")},
    )
)
