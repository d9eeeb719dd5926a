"""Timeline entries for requests (raised, stages, notes, questions and replies, status changes,
SLA breaches, evidence) and for the notifications sent about them."""

from django.utils import timezone

from timeline.models import ActorType, Kind
from timeline.services import EntryData, entries_write_many, entry_write
from timeline.sources import Source, link_to, register

REQUEST = "requests_tracking.request"
MESSAGE = "notifications.message"
NOTE_PREVIEW = 140

STATUS_KIND = {
    "resolved": Kind.REQUEST_RESOLVED,
    "closed": Kind.REQUEST_CLOSED,
    "cancelled": Kind.REQUEST_CLOSED,
}
STATUS_WORDS = {
    "on_hold": "put on hold",
    "resumed": "taken off hold",
    "resolved": "resolved",
    "closed": "closed",
    "reopened": "reopened",
    "cancelled": "cancelled",
}


def _pk(actor):
    return getattr(actor, "pk", None)


def _base(
    service_request, *, key, kind, occurred_at, summary, actor_id=None, detail=None, system=False
):
    return EntryData(
        key=f"{REQUEST}:{service_request.pk}:{key}",
        citizen_id=service_request.citizen_id,
        kind=kind,
        occurred_at=occurred_at,
        summary=f"{service_request.reference} {service_request.process.name}: {summary}",
        actor_id=actor_id,
        actor_type=ActorType.SYSTEM if system else ActorType.STAFF,
        service_area_id=service_request.service_area_id,
        source_type=REQUEST,
        source_id=str(service_request.pk),
        detail={"reference": service_request.reference, **(detail or {})},
    )


def request_created_entry(service_request, *, stage, actor_id=None):
    """`stage`: the first stage (sent with `request_created`; the first visit's in a rebuild)."""
    return _base(
        service_request,
        key="created",
        kind=Kind.REQUEST_CREATED,
        occurred_at=service_request.created_at,
        summary=f"raised{f' – {stage.name}' if stage else ''}",
        actor_id=actor_id if actor_id is not None else service_request.created_by_id,
        detail={"description": service_request.description[:NOTE_PREVIEW]},
    )


def stage_entry(service_request, visit, *, stage, actor_id=None):
    """`stage`: the visit's stage (`to_stage` of `request_stage_changed`)."""
    return _base(
        service_request,
        key=f"visit:{visit.pk}",
        kind=Kind.REQUEST_STAGE_CHANGED,
        occurred_at=visit.entered_at,
        summary=f"moved to stage {stage.order}, {stage.name}",
        actor_id=actor_id if actor_id is not None else visit.entered_by_id,
        detail={"stage": stage.name},
    )


NOTE_KIND = {
    "note": Kind.REQUEST_NOTE_ADDED,
    "info_request": Kind.REQUEST_INFORMATION_REQUESTED,
    "citizen_reply": Kind.REQUEST_CITIZEN_REPLIED,
}


def note_entry(service_request, note):
    words = {
        "note": "note added" + (" (visible to the citizen)" if note.visible_to_citizen else ""),
        "info_request": "information requested from the citizen",
        "citizen_reply": "the citizen replied",
    }.get(note.kind, "note added")
    entry = _base(
        service_request,
        key=f"note:{note.pk}",
        kind=NOTE_KIND.get(note.kind, Kind.REQUEST_NOTE_ADDED),
        occurred_at=note.created_at,
        summary=f"{words}: {note.text[:NOTE_PREVIEW]}",
        actor_id=note.author_id,
        detail={"visible_to_citizen": note.visible_to_citizen},
    )
    if note.from_citizen and note.author_id is None:
        entry = EntryData(**{**entry.__dict__, "actor_type": ActorType.CITIZEN})
    return entry


def status_entry(service_request, change, *, occurred_at, actor_id=None, reason="", key=None):
    summary = STATUS_WORDS.get(change, change)
    if reason:
        summary += f": {reason[:NOTE_PREVIEW]}"
    return _base(
        service_request,
        key=key or f"status:{change}:{int(occurred_at.timestamp())}",
        kind=STATUS_KIND.get(change, Kind.REQUEST_STAGE_CHANGED),
        occurred_at=occurred_at,
        summary=summary,
        actor_id=actor_id,
        detail={"change": change},
        system=actor_id is None,
    )


# --- live events ------------------------------------------------------------------------------


def on_request_created(sender, instance, actor=None, stage=None, **kwargs):
    if instance.citizen_id:
        entry_write(data=request_created_entry(instance, stage=stage, actor_id=_pk(actor)))


def on_stage_changed(sender, instance, actor=None, to_stage=None, **kwargs):
    # The service hands over the new visit on the request and its stage as `to_stage`.
    if instance.citizen_id and instance.current_visit_id:
        entry_write(
            data=stage_entry(instance, instance.current_visit, stage=to_stage, actor_id=_pk(actor))
        )


def on_note(sender, instance, actor=None, service_request=None, **kwargs):
    if service_request is not None and service_request.citizen_id:
        entry_write(data=note_entry(service_request, instance))


def on_status_changed(sender, instance, actor=None, change="", reason="", **kwargs):
    if not instance.citizen_id:
        return
    if change == "resolved" and instance.current_visit_id:
        key = f"resolved:{instance.current_visit_id}"
    elif change == "cancelled" and instance.current_visit_id:
        key = f"cancelled:{instance.current_visit_id}"
    else:
        key = None
    occurred_at = timezone.now()
    if change == "closed" and instance.closed_at:
        occurred_at = instance.closed_at
    elif change == "resolved" and instance.resolved_at:
        occurred_at = instance.resolved_at
    entry_write(
        data=status_entry(
            instance,
            change,
            occurred_at=occurred_at,
            actor_id=_pk(actor),
            reason=reason,
            key=key,
        )
    )


def breach_entry(service_request, stage, *, occurred_at):
    return _base(
        service_request,
        key=f"breach:{service_request.current_visit_id}",
        kind=Kind.REQUEST_STAGE_CHANGED,
        occurred_at=occurred_at,
        summary=f"stage {stage.name if stage else ''} is past its due date (SLA breached)",
        system=True,
        detail={"sla_state": "breached"},
    )


def on_sla_changed(sender, instance, sla_state="", stage=None, **kwargs):
    if not instance.citizen_id or sla_state != "breached":
        return
    entry_write(data=breach_entry(instance, stage, occurred_at=timezone.now()))


def on_sla_changed_many(sender, changes=(), **kwargs):
    """The SLA sweep's batch: one bulk upsert for every breach in it."""
    now = timezone.now()
    entries = [
        breach_entry(change.request, change.stage, occurred_at=now)
        for change in changes
        if change.request.citizen_id and change.sla_state == "breached"
    ]
    if entries:
        entries_write_many(data=entries)


def on_evidence(sender, instance, actor=None, service_request=None, **kwargs):
    if service_request is not None and service_request.citizen_id:
        entry_write(
            data=_base(
                service_request,
                key=f"evidence:{instance.pk}",
                kind=Kind.REQUEST_NOTE_ADDED,
                occurred_at=instance.uploaded_at,
                summary=f"evidence added: {instance.original_name}",
                actor_id=_pk(actor),
            )
        )


def message_entry(message, *, kind):
    sent = kind == Kind.NOTIFICATION_SENT
    what = "sent" if sent else f"failed: {message.last_error[:NOTE_PREVIEW]}"
    return EntryData(
        key=f"{MESSAGE}:{message.pk}:{'sent' if sent else 'failed'}",
        citizen_id=message.citizen_id,
        kind=kind,
        occurred_at=message.sent_at or timezone.now(),
        summary=f"{message.get_channel_display()} to {message.recipient} {what}"
        + (f" – {message.subject}" if message.subject else ""),
        actor_type=ActorType.SYSTEM,
        source_type=message.object_type or MESSAGE,
        source_id=message.object_id or str(message.pk),
        detail={"event": message.event, "provider_id": message.provider_id},
    )


def on_notification_sent(sender, instance, **kwargs):
    if instance.citizen_id:
        entry_write(data=message_entry(instance, kind=Kind.NOTIFICATION_SENT))


def on_notification_failed(sender, instance, **kwargs):
    if instance.citizen_id:
        entry_write(data=message_entry(instance, kind=Kind.NOTIFICATION_FAILED))


def connect() -> None:
    from notifications import signals as n
    from requests_tracking import signals as s

    s.request_created.connect(on_request_created, dispatch_uid="timeline_request_created")
    s.request_stage_changed.connect(on_stage_changed, dispatch_uid="timeline_request_stage")
    for name in ("request_note_added", "request_information_requested", "request_citizen_replied"):
        getattr(s, name).connect(on_note, dispatch_uid=f"timeline_{name}")
    s.request_status_changed.connect(on_status_changed, dispatch_uid="timeline_request_status")
    s.request_sla_changed.connect(on_sla_changed, dispatch_uid="timeline_request_sla")
    s.requests_sla_changed.connect(on_sla_changed_many, dispatch_uid="timeline_requests_sla")
    s.request_evidence_added.connect(on_evidence, dispatch_uid="timeline_request_evidence")
    n.notification_sent.connect(on_notification_sent, dispatch_uid="timeline_notification_sent")
    n.notification_failed.connect(on_notification_failed, dispatch_uid="timeline_notification_bad")


# --- rebuild ----------------------------------------------------------------------------------


def history(citizen_ids):
    from notifications.models import Message
    from requests_tracking.models import Request

    requests = Request.objects.filter(citizen__isnull=False).select_related("process")
    if citizen_ids is not None:
        requests = requests.filter(citizen_id__in=citizen_ids)
    requests = requests.prefetch_related("visits__stage", "notes", "evidence")
    for service_request in requests.order_by("pk").iterator(chunk_size=500):
        visits = sorted(service_request.visits.all(), key=lambda v: (v.entered_at, v.pk))
        yield request_created_entry(service_request, stage=visits[0].stage if visits else None)
        for visit in visits[1:]:
            yield stage_entry(service_request, visit, stage=visit.stage)
        for visit in visits:
            if visit.exit in ("resolved", "cancelled") and visit.left_at:
                yield status_entry(
                    service_request,
                    visit.exit,
                    occurred_at=visit.left_at,
                    actor_id=visit.left_by_id,
                    key=f"{visit.exit}:{visit.pk}",
                )
        for note in service_request.notes.all():
            yield note_entry(service_request, note)
        if service_request.closed_at:
            yield status_entry(service_request, "closed", occurred_at=service_request.closed_at)
    messages = Message.objects.filter(citizen__isnull=False)
    if citizen_ids is not None:
        messages = messages.filter(citizen_id__in=citizen_ids)
    for message in messages.exclude(status__in=["pending", "sending"]).iterator(chunk_size=2000):
        kind = Kind.NOTIFICATION_SENT if message.status == "sent" else Kind.NOTIFICATION_FAILED
        yield message_entry(message, kind=kind)


register(
    Source(
        name="requests",
        connect=connect,
        history=history,
        links={REQUEST: link_to("requests_tracking:detail")},
    )
)
