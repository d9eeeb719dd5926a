"""Writes of the notifications app: the transactional outbox and the sending of its messages."""

import logging
from datetime import timedelta
from functools import lru_cache

from django.db import transaction
from django.template import Context, Engine, TemplateSyntaxError
from django.utils import timezone

from notifications.backends import PermanentFailure, TemporaryFailure, backend_get
from notifications.models import Message
from notifications.signals import notification_failed, notification_queued, notification_sent

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
# While one worker sends a message no other may; a crashed sender's lease simply runs out.
SEND_LEASE = timedelta(minutes=5)
_engine = Engine(autoescape=False)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 30 s, 1 min, 2 min… capped at one hour."""
    return timedelta(seconds=min(30 * 2 ** max(0, attempts - 1), 3600))


@lru_cache(maxsize=256)
def _compiled(text: str):
    return _engine.from_string(text)


def template_render(*, text: str, context: dict) -> str:
    try:
        return _compiled(text).render(Context(context)).strip()
    except TemplateSyntaxError:
        log.exception("Message template could not be rendered; sending it as written")
        return text


def template_check(text: str) -> str | None:
    """A plain-words problem with a template's placeholders, or None."""
    try:
        _engine.from_string(text)
    except TemplateSyntaxError as exc:
        return f"The placeholders are not written correctly: {exc}"
    return None


def _dispatch(message_ids):
    """Hand messages to the workers. If the broker is down they wait for the outbox sweep."""
    from kombu.exceptions import OperationalError

    from notifications.tasks import send_message

    for message_id in message_ids:
        try:
            send_message.delay(message_id)
        except (OperationalError, OSError) as exc:
            log.warning("Broker unavailable (%s); the outbox sweep will send %s", exc, message_id)


@transaction.atomic(savepoint=False)
def message_enqueue(
    *,
    actor=None,
    channel: str,
    recipient: str,
    body: str,
    idempotency_key: str,
    subject: str = "",
    recipient_kind: str = "",
    citizen=None,
    obj=None,
    event: str = "",
) -> tuple[Message, bool]:
    """Write a message to the outbox in the caller's transaction; it is sent after commit.

    The same idempotency key (event + channel + recipient) never makes a second message.
    """
    message, created = Message.objects.get_or_create(
        idempotency_key=idempotency_key[:200],
        defaults={
            "channel": channel,
            "recipient": recipient,
            "recipient_kind": recipient_kind,
            "subject": subject[:200],
            "body": body,
            "citizen": citizen,
            "object_type": obj._meta.label_lower if obj is not None else "",
            "object_id": str(obj.pk) if obj is not None else "",
            "event": event,
            "created_by": actor if actor is not None and actor.is_authenticated else None,
        },
    )
    if created:
        notification_queued.send(sender=Message, instance=message, actor=actor)
        transaction.on_commit(lambda: _dispatch([message.pk]))
    return message, created


def message_send(*, message_id: int, now=None) -> Message | None:
    """Send one message if it is due and nobody else is sending it; record what happened."""
    now = now or timezone.now()
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(skip_locked=True)
            .filter(
                pk=message_id,
                status__in=[Message.Status.PENDING, Message.Status.SENDING],
                next_attempt_at__lte=now,
            )
            .first()
        )
        if message is None:
            return None  # sent already, given up, not due yet, or another worker has it
        message.status = Message.Status.SENDING
        message.attempts += 1
        message.next_attempt_at = now + SEND_LEASE
        message.save(update_fields=["status", "attempts", "next_attempt_at"])

    # The provider call happens outside any transaction: never hold locks across the network.
    provider_id, error, permanent = "", "", False
    try:
        backend = backend_get()
        message.backend = backend.name
        provider_id = backend.send(message)
    except PermanentFailure as exc:
        error, permanent = str(exc), True
    except TemporaryFailure as exc:
        error = str(exc)
    except Exception as exc:  # an unexpected backend error must not lose the message
        log.exception("Unexpected error sending message %s", message.pk)
        error = f"Unexpected error: {exc}"

    with transaction.atomic():
        finished = timezone.now()
        if not error:
            message.status = Message.Status.SENT
            message.provider_id = provider_id[:100]
            message.sent_at = finished
            message.last_error = ""
        elif permanent or message.attempts >= MAX_ATTEMPTS:
            message.status = Message.Status.FAILED
            message.last_error = (
                error if permanent else f"Gave up after {message.attempts} attempts. {error}"
            )
        else:
            message.status = Message.Status.PENDING
            message.last_error = error
            message.next_attempt_at = max(finished, now) + retry_delay(message.attempts)
        message.save(
            update_fields=[
                "status",
                "provider_id",
                "sent_at",
                "last_error",
                "next_attempt_at",
                "backend",
            ]
        )
        if message.status == Message.Status.SENT:
            notification_sent.send(sender=Message, instance=message, actor=None)
        elif message.status == Message.Status.FAILED:
            notification_failed.send(sender=Message, instance=message, actor=None)
    return message


def outbox_sweep(*, now=None, limit: int = 500) -> int:
    """Send what is due: new messages a lost task never sent, retries, expired leases."""
    now = now or timezone.now()
    ids = list(
        Message.objects.due(now).order_by("next_attempt_at").values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for message_id in ids:
        if message_send(message_id=message_id, now=now) is not None:
            sent += 1
    return sent


@transaction.atomic
def message_retry(*, actor, message: Message) -> Message:
    """Try a failed message again (an administrator fixed the address or the configuration)."""
    message.status = Message.Status.PENDING
    message.attempts = 0
    message.next_attempt_at = timezone.now()
    message.save(update_fields=["status", "attempts", "next_attempt_at"])
    transaction.on_commit(lambda: _dispatch([message.pk]))
    return message
