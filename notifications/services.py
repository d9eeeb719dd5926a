"""Writes of the notifications app: the transactional outbox and the sending of its messages."""

import logging
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.db import transaction
from django.template import Context, Engine, TemplateSyntaxError, Variable
from django.template.base import VariableNode
from django.utils import timezone

from notifications import placeholders
from notifications.backends import PermanentFailure, TemporaryFailure, backend_get
from notifications.models import Message
from notifications.signals import (
    notification_failed,
    notification_queued,
    notification_sent,
    notifications_queued,
)

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10


def send_lease() -> timedelta:
    """While one worker sends a message no other may; a crashed sender's lease simply runs out
    (NOTIFICATIONS_SEND_LEASE_SECONDS)."""
    return timedelta(seconds=settings.NOTIFICATIONS_SEND_LEASE_SECONDS)


KEY_LENGTH = Message._meta.get_field("idempotency_key").max_length
_engine = Engine(autoescape=False)


@dataclass(frozen=True)
class RetryPolicy:
    """How a channel retries temporary failures: exponential backoff from `first` seconds,
    doubling, capped at `cap`, for at most `attempts` tries. `ordered` channels send the
    messages about one object to one recipient strictly one after another."""

    attempts: int
    first: int
    cap: int
    ordered: bool = False

    def delay(self, attempts: int) -> timedelta:
        return timedelta(seconds=min(self.first * 2 ** max(0, attempts - 1), self.cap))


# Email/SMS: 30 s, 1 min, 2 min… capped at an hour, 10 tries (about 3 hours).
DEFAULT_POLICY = RetryPolicy(attempts=MAX_ATTEMPTS, first=30, cap=3600)
RETRY_POLICIES = {
    # Webhooks: 1 min, 2 min… capped at 6 hours, 15 tries: the last is about 38 hours after
    # the first (Standard Webhooks asks for at least a day); in order per object.
    Message.Channel.WEBHOOK: RetryPolicy(attempts=15, first=60, cap=6 * 3600, ordered=True),
}


def retry_policy(channel: str) -> RetryPolicy:
    return RETRY_POLICIES.get(channel, DEFAULT_POLICY)


def retry_delay(attempts: int, channel: str = "") -> timedelta:
    """The wait before the next try after `attempts` tries (see RetryPolicy)."""
    return retry_policy(channel).delay(attempts)


def _waiting_behind(message: Message) -> Message | None:
    """For ordered channels: an earlier message about the same object to the same recipient
    that is not finished yet (this one must wait for it)."""
    if not retry_policy(message.channel).ordered or not message.object_id:
        return None
    return (
        Message.objects.filter(
            channel=message.channel,
            recipient=message.recipient,
            object_type=message.object_type,
            object_id=message.object_id,
            status__in=[Message.Status.PENDING, Message.Status.SENDING],
            pk__lt=message.pk,
        )
        .order_by("pk")
        .first()
    )


def _next_in_line(message: Message) -> Message | None:
    if not retry_policy(message.channel).ordered or not message.object_id:
        return None
    return (
        Message.objects.filter(
            channel=message.channel,
            recipient=message.recipient,
            object_type=message.object_type,
            object_id=message.object_id,
            status=Message.Status.PENDING,
            pk__gt=message.pk,
        )
        .order_by("pk")
        .first()
    )


@lru_cache(maxsize=256)
def _compiled(text: str):
    return _engine.from_string(text)


def template_render(*, text: str, context: dict) -> str:
    """Plain text: values go in as they are (no HTML escaping: "crew's", never "crew&#x27;s");
    a registered placeholder whose value is empty is sent as its fallback words."""
    try:
        return (
            _compiled(text)
            .render(Context(placeholders.with_fallbacks(context), autoescape=False))
            .strip()
        )
    except TemplateSyntaxError:
        log.exception("Message template could not be rendered; sending it as written")
        return text


def template_placeholders(text: str) -> set[str]:
    """The placeholder names a template uses (the first part of `{{ a.b }}`)."""
    template = _engine.from_string(text)
    names = set()
    for node in template.nodelist.get_nodes_by_type(VariableNode):
        var = node.filter_expression.var
        if isinstance(var, Variable) and var.lookups:
            names.add(var.lookups[0])
    return names


def template_check(text: str) -> str | None:
    """A plain-words problem with a template's placeholders, or None."""
    try:
        used = template_placeholders(text)
    except TemplateSyntaxError as exc:
        return f"The placeholders are not written correctly: {exc}"
    known = placeholders.known()
    unknown = sorted(used - set(known))
    if unknown:
        names = ", ".join("{{ %s }}" % name for name in unknown)  # noqa: UP031
        allowed = ", ".join("{{ %s }}" % name for name in known)  # noqa: UP031
        return (
            f"{names} would be sent empty: there is no such placeholder. "
            f"Use only these: {allowed}."
        )
    return None


def _dispatch(message_ids):
    """Hand new messages to the workers as one task. If the broker is down, or hangs (the
    broker timeouts in settings bound the wait), the outbox sweep sends them later; with no
    broker (tasks run eagerly) they are sent here and now.

    Runs after commit: whatever goes wrong here, the change and its messages are saved, so
    nothing may reach the caller (a page must still say the change was saved)."""
    from notifications.tasks import send_messages

    if not message_ids:
        return
    try:
        send_messages.delay(list(message_ids))
    except Exception as exc:  # noqa: BLE001 (kombu's OperationalError, socket errors, timeouts)
        log.warning(
            "Broker unavailable (%s: %s); the outbox sweep will send %s message(s): %s",
            type(exc).__name__,
            exc,
            len(message_ids),
            list(message_ids)[:20],
        )


@dataclass(frozen=True)
class OutgoingMessage:
    """One message to write to the outbox (see `messages_enqueue_many`)."""

    channel: str
    recipient: str
    body: str
    idempotency_key: str
    subject: str = ""
    recipient_kind: str = ""
    citizen_id: int | None = None
    object_type: str = ""
    object_id: str = ""
    event: str = ""

    @classmethod
    def about(cls, obj, **fields) -> "OutgoingMessage":
        """A message about `obj` (a model instance, or None)."""
        if obj is not None:
            fields.setdefault("object_type", obj._meta.label_lower)
            fields.setdefault("object_id", str(obj.pk))
        return cls(**fields)


def _outbox_write(*, actor, messages) -> tuple[list[Message], dict[str, int]]:
    """Insert the messages whose idempotency key is new; returns (new rows, existing key -> id).

    The keys already stored are read first; the insert ignores conflicts on the unique key, so a
    concurrent writer of the same key cannot fail the caller's transaction. If one wins that
    race its message is also reported as new here: at worst it is handed to the workers twice,
    and `message_send` claims a message under a row lock and only while pending, so it is still
    sent once.
    """
    created_by = actor if actor is not None and actor.is_authenticated else None
    wanted: dict[str, OutgoingMessage] = {}
    for item in messages:
        wanted.setdefault(item.idempotency_key[:KEY_LENGTH], item)  # first one per key wins
    if not wanted:
        return [], {}
    existing = dict(
        Message.objects.filter(idempotency_key__in=list(wanted)).values_list(
            "idempotency_key", "pk"
        )
    )
    rows = [
        Message(
            idempotency_key=key,
            channel=item.channel,
            recipient=item.recipient,
            recipient_kind=item.recipient_kind,
            subject=item.subject[:200],
            body=item.body,
            citizen_id=item.citizen_id,
            object_type=item.object_type,
            object_id=item.object_id,
            event=item.event[:100],
            created_by=created_by,
        )
        for key, item in wanted.items()
        if key not in existing
    ]
    if not rows:
        return [], existing
    Message.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    ids = dict(
        Message.objects.filter(
            idempotency_key__in=[row.idempotency_key for row in rows]
        ).values_list("idempotency_key", "pk")
    )
    for row in rows:
        row.pk = ids[row.idempotency_key]
        row._state.adding = False
    return rows, existing


@transaction.atomic(savepoint=False)
def messages_enqueue_many(*, actor=None, messages) -> list[Message]:
    """Write many messages to the outbox in the caller's transaction; returns the new ones.

    A key (event + channel + recipient) already in the outbox never makes a second message.
    Sends one `notifications_queued` signal for the new messages and, after commit, hands them
    to the workers as a single task.
    """
    created, _ = _outbox_write(actor=actor, messages=messages)
    if created:
        notifications_queued.send(sender=Message, instances=created, actor=actor)
        ids = [message.pk for message in created]
        transaction.on_commit(lambda: _dispatch(ids))
    return created


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
    item = OutgoingMessage.about(
        obj,
        channel=channel,
        recipient=recipient,
        body=body,
        idempotency_key=idempotency_key,
        subject=subject,
        recipient_kind=recipient_kind,
        citizen_id=citizen.pk if citizen is not None else None,
        event=event,
    )
    created, existing = _outbox_write(actor=actor, messages=[item])
    if not created:
        return Message.objects.get(pk=existing[idempotency_key[:KEY_LENGTH]]), False
    message = created[0]
    notification_queued.send(sender=Message, instance=message, actor=actor)
    transaction.on_commit(lambda: _dispatch([message.pk]))
    return message, True


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
        ahead = _waiting_behind(message)
        if ahead is not None:  # keep the order: try again once the earlier one is done
            message.next_attempt_at = max(ahead.next_attempt_at, now) + timedelta(seconds=1)
            message.save(update_fields=["next_attempt_at"])
            return None
        # Tried before (a lease that ran out after a killed worker, or a failure such as a
        # timeout after which the provider may still have taken it): ask before sending again.
        tried_before = message.attempts > 0
        message.status = Message.Status.SENDING
        message.attempts += 1
        message.next_attempt_at = now + send_lease()
        message.save(update_fields=["status", "attempts", "next_attempt_at"])

    # The provider call happens outside any transaction: never hold locks across the network.
    provider_id, error, permanent = "", "", False
    try:
        backend = backend_get(message.channel)
        message.backend = backend.name
        if tried_before and hasattr(backend, "find_sent"):
            provider_id = backend.find_sent(message) or ""
            if provider_id:
                log.info("Message %s: the provider already has it; not sending again", message.pk)
        if not provider_id:
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
        elif permanent or message.attempts >= retry_policy(message.channel).attempts:
            message.status = Message.Status.FAILED
            message.last_error = (
                error if permanent else f"Gave up after {message.attempts} attempts. {error}"
            )
        else:
            message.status = Message.Status.PENDING
            message.last_error = error
            message.next_attempt_at = max(finished, now) + retry_delay(
                message.attempts, message.channel
            )
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
        if message.status != Message.Status.PENDING:
            following = _next_in_line(message)
            if following is not None:
                transaction.on_commit(lambda: _dispatch([following.pk]))
    return message


def messages_send(*, message_ids, now=None) -> int:
    """Send each of these messages that is still due (see `message_send`); returns how many."""
    return sum(
        message_send(message_id=message_id, now=now) is not None for message_id in message_ids
    )


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
