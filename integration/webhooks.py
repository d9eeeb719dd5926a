"""Outbound webhooks, following Standard Webhooks (https://www.standardwebhooks.com/).

- An event (`integration.events.event_publish`) writes one outbox message per subscription
  that wants it, in the transaction of the change: channel `webhook`, recipient = the
  subscription's id, about the citizen or request (so the outbox keeps their order).
- The outbox sends it with `WebhookBackend`: a POST with `webhook-id` (the message's id, the
  same on every retry), `webhook-timestamp` and `webhook-signature` (`v1,` + base64 HMAC-SHA256
  of `id.timestamp.body` with the subscription's secret). 2xx is delivered; `410 Gone` disables
  the subscription; anything else is retried by the outbox's webhook policy (over a day and a
  half), then left failed — never deleted, and can be sent again from admin.
- Server-side request forgery: a URL whose host resolves to a loopback, private, link-local or
  otherwise non-public address is refused when saved and again when sent (the connection goes
  to the address that was checked, so a DNS answer that changes in between cannot redirect it),
  unless an administrator allowed private addresses for that client system.
"""

import base64
import hashlib
import hmac
import http.client
import ipaddress
import json
import secrets
import socket
import ssl
import time
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from core.refcache import held, refcache_forget
from integration.models import ClientSystem, WebhookAttempt, WebhookSubscription
from integration.signals import webhook_delivered
from notifications.backends import PermanentFailure, TemporaryFailure
from notifications.models import Message
from notifications.services import OutgoingMessage, messages_enqueue_many

TIMEOUT_SECONDS = 10
USER_AGENT = "CouncilCRM-Webhooks/1"


def secret_new() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def signature(*, secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


class UnsafeUrl(ValueError):
    pass


def url_addresses(url: str, *, allow_private: bool) -> list[str]:
    """The addresses `url`'s host resolves to, or UnsafeUrl saying why it is refused."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeUrl("Give an http:// or https:// address.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError) as exc:
        raise UnsafeUrl(f"The address {parts.hostname} could not be found ({exc}).") from None
    addresses = sorted({info[4][0] for info in infos})
    if not allow_private:
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            if not ip.is_global or ip.is_multicast:
                raise UnsafeUrl(
                    f"{parts.hostname} resolves to {address}, a loopback, private or reserved "
                    "address. Webhooks go only to public addresses unless an administrator "
                    "allows private ones for this client system."
                )
    return addresses


def _subscriptions_active() -> list[WebhookSubscription]:
    return list(
        WebhookSubscription.objects.filter(active=True, client_system__active=True)
        .select_related("client_system")
        .order_by("pk")
    )


def subscriptions_for(event: str) -> list[WebhookSubscription]:
    """The active subscriptions that want `event`. Every change any page records asks, so the
    list is kept per process (core.refcache) and read again after any subscription or client
    system is saved or deleted, or disabled (`_disable`)."""
    active = held(
        "integration:webhook-subscriptions",
        _subscriptions_active,
        models=(WebhookSubscription, ClientSystem),
    )
    return [sub for sub in active if event in sub.events]


def webhooks_enqueue(*, change, actor=None) -> list[Message]:
    """Outbox messages for every subscription that wants this change (caller's transaction)."""
    subscriptions = subscriptions_for(change.event)
    if not subscriptions:
        return []
    return messages_enqueue_many(actor=actor, messages=_outgoing(change, subscriptions))


def webhooks_enqueue_many(*, changes, actor=None) -> list[Message]:
    """`webhooks_enqueue` for many changes: subscriptions read once, one outbox write."""
    messages = []
    by_event = {}
    for change in changes:
        if change.event not in by_event:
            by_event[change.event] = subscriptions_for(change.event)
        if by_event[change.event]:
            messages += _outgoing(change, by_event[change.event])
    return messages_enqueue_many(actor=actor, messages=messages) if messages else []


def _outgoing(change, subscriptions) -> list[OutgoingMessage]:
    payload = {
        "type": change.event,
        "timestamp": change.occurred_at.isoformat(),
        "data": {
            "object": {
                "type": change.object_type,
                "id": change.object_id,
                "reference": change.reference,
            },
            "actor": change.actor.username if change.actor_id else None,
            **change.data,
        },
    }
    body = json.dumps(payload, separators=(",", ":"), sort_keys=True, default=str)
    return [
        OutgoingMessage(
            channel=Message.Channel.WEBHOOK,
            recipient=str(sub.pk),
            recipient_kind="client_system",
            body=body,
            subject=change.event,
            idempotency_key=f"webhook:{sub.pk}:change:{change.pk}",
            object_type=f"integration.{change.object_type}",
            object_id=str(change.object_id),
            event=change.event,
        )
        for sub in subscriptions
    ]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, address, **kwargs):
        super().__init__(host, **kwargs)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, address, **kwargs):
        super().__init__(host, context=ssl.create_default_context(), **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _post(url: str, address: str, body: bytes, headers: dict) -> int:
    parts = urlsplit(url)
    connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(
        parts.hostname, address, port=parts.port, timeout=TIMEOUT_SECONDS
    )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(65536)
        return response.status
    finally:
        connection.close()


def _citizen_of(message) -> int | None:
    if message.object_type == "integration.citizen":
        return int(message.object_id)
    try:
        return json.loads(message.body)["data"].get("citizen_id")
    except (ValueError, KeyError, AttributeError):
        return None


def _disable(subscription, reason):
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        active=False, disabled_reason=reason[:200]
    )
    refcache_forget()  # an update sends no post_save: every process drops its kept list


class WebhookBackend:
    """The outbox backend of the `webhook` channel (registered in IntegrationConfig.ready)."""

    name = "webhook"

    def send(self, message) -> str:
        subscription = (
            WebhookSubscription.objects.select_related("client_system")
            .filter(pk=int(message.recipient))
            .first()
        )
        if subscription is None:
            raise PermanentFailure("The webhook subscription no longer exists.")
        if not subscription.active or not subscription.client_system.active:
            raise PermanentFailure(
                f"The subscription is switched off. {subscription.disabled_reason}".strip()
            )
        msg_id = f"msg_{message.pk}"
        timestamp = int(time.time())
        body = message.body.encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "webhook-id": msg_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": signature(
                secret=subscription.secret, msg_id=msg_id, timestamp=timestamp, body=body
            ),
        }
        started = time.monotonic()
        status, error, refused = None, "", False
        try:
            address = url_addresses(
                subscription.url,
                allow_private=subscription.client_system.allow_private_webhook_urls,
            )[0]
            status = _post(subscription.url, address, body, headers)
        except UnsafeUrl as exc:
            error, refused = str(exc), True
        except (OSError, http.client.HTTPException) as exc:
            error = f"Could not deliver: {exc}"
        finally:
            attempt = WebhookAttempt.objects.create(
                subscription=subscription,
                message_id=message.pk,
                event=message.event,
                citizen_id=_citizen_of(message),
                status_code=status,
                error=error[:500],
                duration_ms=int((time.monotonic() - started) * 1000),
            )
        if status is not None and 200 <= status < 300:
            if attempt.citizen_id:
                webhook_delivered.send(
                    sender=WebhookAttempt,
                    instance=attempt,
                    citizen_id=attempt.citizen_id,
                    system_name=subscription.client_system.name,
                )
            return f"{msg_id} HTTP {status}"
        if status == 410:
            _disable(
                subscription, f"The endpoint answered 410 Gone on {timezone.now():%d/%m/%Y %H:%M}."
            )
            raise PermanentFailure("The endpoint answered 410 Gone: subscription switched off.")
        if refused:
            raise PermanentFailure(error)
        raise TemporaryFailure(error or f"The endpoint answered {status}.")


@transaction.atomic
def webhook_subscription_create(*, actor, client_system, url: str, events: list[str]):
    url_addresses(url, allow_private=client_system.allow_private_webhook_urls)
    return WebhookSubscription.objects.create(
        client_system=client_system, url=url, events=list(events), secret=secret_new()
    )
