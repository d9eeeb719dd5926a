"""Writes for contacts: start, identify the caller, end, record whole, and auto-close.

Each service is atomic, records the change in the audit trail and sends the app's domain
signal (see contacts/signals.py) inside the same transaction.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from contacts.models import Contact, Outcome
from contacts.report_summary import report_days_forget
from contacts.signals import contact_citizen_attached, contact_ended, contact_started

NOT_RECORDED = "not_recorded"


class ContactAlreadyOpen(Exception):
    """The member of staff already holds an open contact; `contact` is that one."""

    def __init__(self, contact):
        self.contact = contact
        super().__init__(
            "You already have a contact in progress. End it before you start another."
        )


class ContactNotOpen(Exception):
    """The contact has ended (or was closed by the job) and cannot be changed that way."""


def _open_contact_of(staff):
    return Contact.objects.open().filter(agent=staff).select_related("citizen").first()


def contact_start(*, actor, channel, location, citizen=None, started_at=None) -> Contact:
    """Open a contact for `actor`; refuses when they already hold one (ContactAlreadyOpen)."""
    existing = _open_contact_of(actor)
    if existing is not None:
        raise ContactAlreadyOpen(existing)
    contact = Contact(
        agent=actor,
        citizen=citizen,
        channel=channel,
        location=location,
        started_at=started_at or timezone.now(),
    )
    try:
        # The savepoint keeps an outer transaction usable if a simultaneous start wins the race
        # for the "one open contact per member of staff" constraint.
        with transaction.atomic():
            contact.save()
            report_days_forget(started_at=contact.started_at)
            audit_record(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                obj=contact,
                citizen=citizen,
                contact_id=contact.pk,
                detail={"event": "contact_started", "channel": channel.code},
            )
            contact_started.send(sender=Contact, instance=contact, actor=actor)
    except IntegrityError as exc:
        existing = _open_contact_of(actor)
        if existing is None:
            raise
        raise ContactAlreadyOpen(existing) from exc
    return contact


@transaction.atomic
def contact_attach_citizen(*, actor, contact, citizen) -> Contact:
    """Say who an anonymous caller is, part-way through the contact.

    One citizen per contact keeps history and reports unambiguous: when someone calls about a
    second member of the household, the agent ends this contact and starts another.
    """
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.citizen_id == citizen.pk:
        return contact
    if contact.citizen_id is not None:
        raise ValidationError(
            "This contact is already with someone else. End it and start a new contact "
            "for this person."
        )
    if not contact.is_open and not contact.needs_review:
        raise ContactNotOpen("This contact has ended, so the caller can no longer be changed.")
    contact.citizen = citizen
    contact.save(update_fields=["citizen", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        obj=contact,
        citizen=citizen,
        contact_id=contact.pk,
        detail={"event": "contact_citizen_attached"},
    )
    contact_citizen_attached.send(sender=Contact, instance=contact, actor=actor, citizen=citizen)
    return contact


def _apply_outcome(contact, *, details):
    contact.service_area = details["service_area"]
    contact.contact_type = details["contact_type"]
    contact.outcome = details["outcome"]
    contact.avoidable = details["avoidable"]
    contact.avoidable_reason = details.get("avoidable_reason") if details["avoidable"] else None
    contact.resolved_at_first_contact = details["resolved_at_first_contact"]
    contact.notes = details.get("notes", "")


def _check_outcome(details):
    """The rules the forms and the API share, in case a caller skips its form."""
    errors = {}
    area, kind = details.get("service_area"), details.get("contact_type")
    if area is not None and kind is not None and kind.service_area_id != area.pk:
        errors["contact_type"] = f"“{kind.name}” is not a contact type of {area.name}."
    if details.get("avoidable") and details.get("avoidable_reason") is None:
        errors["avoidable_reason"] = "Select why the contact was avoidable."
    for name in ("service_area", "contact_type", "outcome"):
        if details.get(name) is None:
            errors[name] = f"Select the {name.replace('_', ' ')}."
    for name in ("avoidable", "resolved_at_first_contact"):
        if details.get(name) is None:
            errors[name] = "Select yes or no."
    outcome = details.get("outcome")
    if (
        outcome is not None
        and outcome.code == "signposted"
        and not list(details.get("partners") or [])
    ):
        errors["partners"] = "Select the partner organisations the caller was signposted to."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def contact_end(*, actor, contact, **details) -> Contact:
    """End an open contact with its outcome, or complete one the periodic job closed.

    `details`: service_area, contact_type, outcome, avoidable, avoidable_reason,
    resolved_at_first_contact, notes, partners (iterable of PartnerOrganisation).
    """
    _check_outcome(details)
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.is_open:
        contact.status = Contact.Status.ENDED
        contact.ended_at = max(timezone.now(), contact.started_at)
        event = "contact_ended"
    elif contact.needs_review:
        contact.needs_review = False  # the auto-closed contact is now complete
        event = "contact_completed"
    else:
        raise ContactNotOpen("This contact has already ended.")
    _apply_outcome(contact, details=details)
    contact.save()
    report_days_forget(started_at=contact.started_at)
    contact.partners.set(details.get("partners") or [])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        obj=contact,
        citizen=contact.citizen,
        contact_id=contact.pk,
        detail={"event": event, "outcome": contact.outcome.code},
    )
    contact_ended.send(sender=Contact, instance=contact, actor=actor)
    return contact


@transaction.atomic
def contact_record(
    *, actor, channel, location, citizen=None, started_at=None, ended_at=None, **details
) -> Contact:
    """Record a whole contact that happened elsewhere (telephony, webchat, back office).

    It does not count as the member of staff's open contact: it starts and ends at once.
    """
    _check_outcome(details)
    ended_at = ended_at or timezone.now()
    started_at = started_at or ended_at
    if ended_at < started_at:
        raise ValidationError({"ended_at": "The end must be after the start."})
    contact = Contact(
        agent=actor,
        citizen=citizen,
        channel=channel,
        location=location,
        status=Contact.Status.ENDED,
        started_at=started_at,
        ended_at=ended_at,
    )
    _apply_outcome(contact, details=details)
    contact.save()
    report_days_forget(started_at=contact.started_at)
    contact.partners.set(details.get("partners") or [])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=contact,
        citizen=citizen,
        contact_id=contact.pk,
        detail={"event": "contact_recorded", "channel": channel.code},
    )
    contact_started.send(sender=Contact, instance=contact, actor=actor)
    contact_ended.send(sender=Contact, instance=contact, actor=actor)
    return contact


def contact_close_abandoned(*, now=None, batch_size=500) -> int:
    """Close contacts left open longer than CONTACT_ABANDON_AFTER_MINUTES; returns how many.

    Each is ended with outcome "not recorded" and flagged `needs_review` so its agent can
    complete it. Rows another worker is closing are skipped (SKIP LOCKED on PostgreSQL).
    """
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.CONTACT_ABANDON_AFTER_MINUTES)
    outcome = Outcome.objects.get(code=NOT_RECORDED)
    closed = 0
    while True:
        with transaction.atomic():
            # Claim the rows alone, then read them with their citizen: a locking query's
            # joined rows can be older than the row it locked (READ COMMITTED).
            claimed = list(
                Contact.objects.open()
                .filter(started_at__lt=cutoff)
                .select_for_update(skip_locked=True)
                .order_by("started_at", "id")
                .values_list("pk", flat=True)[:batch_size]
            )
            batch = list(
                Contact.objects.filter(pk__in=claimed)
                .select_related("citizen")
                .order_by("started_at", "id")
            )
            for contact in batch:
                contact.status = Contact.Status.AUTO_CLOSED
                contact.ended_at = now
                contact.outcome = outcome
                contact.needs_review = True
                contact.save(
                    update_fields=["status", "ended_at", "outcome", "needs_review", "updated_at"]
                )
                report_days_forget(started_at=contact.started_at)
                audit_record(
                    actor=None,
                    action=AuditEvent.Action.CHANGE,
                    obj=contact,
                    citizen=contact.citizen,
                    contact_id=contact.pk,
                    detail={"event": "contact_auto_closed"},
                )
                contact_ended.send(sender=Contact, instance=contact, actor=None)
        closed += len(batch)
        if len(batch) < batch_size:
            return closed
