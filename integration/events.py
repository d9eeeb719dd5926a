"""One place where an integration event is published: the change feed entry, and (once client
systems subscribe) the webhook deliveries for it."""

from integration.changes import change_record, changes_record_many
from integration.webhooks import webhooks_enqueue, webhooks_enqueue_many


def event_publish(*, event, object_type, obj, reference, actor, data):
    """Record the change for the feed and queue its webhooks, in the caller's transaction."""
    change = change_record(
        event=event,
        object_type=object_type,
        obj=obj,
        reference=reference,
        actor=actor,
        data=data,
    )
    webhooks_enqueue(change=change, actor=actor)
    return change


def events_publish_many(*, event, object_type, items, actor):
    """`event_publish` for many objects at once: items are (obj, reference, data)."""
    changes = changes_record_many(event=event, object_type=object_type, items=items, actor=actor)
    webhooks_enqueue_many(changes=changes, actor=actor)
    return changes
