"""Turns the citizens' and requests' domain signals into change-feed entries and webhook
deliveries, in the transaction of the change (this app consumes them, so it owns the coupling)."""

from citizens import signals as citizen_signals
from integration.events import event_publish, events_publish_many
from integration.models import EventType
from requests_tracking import signals as request_signals

STATUS_EVENTS = {
    "resolved": EventType.REQUEST_RESOLVED,
    "closed": EventType.REQUEST_CLOSED,
}


def _citizen(event, citizen, actor, **data):
    event_publish(
        event=event,
        object_type="citizen",
        obj=citizen,
        reference=citizen.reference,
        actor=actor,
        data={"version": citizen.version, **data},
    )


def _request(event, request, actor, **data):
    event_publish(
        event=event,
        object_type="request",
        obj=request,
        reference=request.reference,
        actor=actor,
        data={
            "status": request.status,
            "stage": request.current_stage.name if request.current_stage_id else None,
            "citizen_id": request.citizen_id,
            **data,
        },
    )


def on_citizen_created(sender, instance, actor=None, **kwargs):
    _citizen(EventType.CITIZEN_CREATED, instance, actor)


def on_citizens_created(sender, instances=(), actor=None, **kwargs):
    """A batch created at once (bulk import): one change each, written together."""
    events_publish_many(
        event=EventType.CITIZEN_CREATED,
        object_type="citizen",
        items=[(c, c.reference, {"version": c.version}) for c in instances],
        actor=actor,
    )


def on_citizen_changed(sender, instance, actor=None, changes=(), **kwargs):
    # Field names only: values (some sensitive) are read from the API, with its audit.
    fields = sorted({change["field"] for change in changes})
    _citizen(EventType.CITIZEN_UPDATED, instance, actor, fields=fields)


def on_citizens_merged(sender, instance, merged=None, actor=None, **kwargs):
    # Reported on the absorbed record: it now points at the survivor.
    event_publish(
        event=EventType.CITIZEN_MERGED,
        object_type="citizen",
        obj=merged,
        reference=merged.reference,
        actor=actor,
        data={"merged_into": {"id": instance.pk, "reference": instance.reference}},
    )


def on_request_created(sender, instance, actor=None, **kwargs):
    _request(EventType.REQUEST_CREATED, instance, actor)


def on_request_stage_changed(sender, instance, actor=None, from_stage=None, **kwargs):
    _request(
        EventType.REQUEST_STAGE_CHANGED,
        instance,
        actor,
        from_stage=from_stage.name if from_stage is not None else None,
    )


def on_request_information_requested(sender, instance, service_request=None, actor=None, **kwargs):
    _request(EventType.REQUEST_INFORMATION_REQUESTED, service_request, actor)


def on_request_status_changed(sender, instance, actor=None, change="", **kwargs):
    _request(STATUS_EVENTS.get(change, EventType.REQUEST_UPDATED), instance, actor, change=change)


def on_request_assigned(sender, instance, actor=None, **kwargs):
    _request(EventType.REQUEST_UPDATED, instance, actor, change="assigned")


HANDLERS = [
    (citizen_signals.citizen_created, on_citizen_created),
    (citizen_signals.citizens_created, on_citizens_created),
    (citizen_signals.citizen_changed, on_citizen_changed),
    (citizen_signals.citizens_merged, on_citizens_merged),
    (request_signals.request_created, on_request_created),
    (request_signals.request_stage_changed, on_request_stage_changed),
    (request_signals.request_information_requested, on_request_information_requested),
    (request_signals.request_status_changed, on_request_status_changed),
    (request_signals.request_assigned, on_request_assigned),
]


def connect_all():
    for signal, handler in HANDLERS:
        signal.connect(handler, dispatch_uid=f"integration.{handler.__name__}")
