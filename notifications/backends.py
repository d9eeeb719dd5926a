"""Delivery backends: console (development), SMTP through Django's email, GOV.UK Notify.

A backend's `send(message)` returns the provider's id for the message, or raises
`TemporaryFailure` (try again later) or `PermanentFailure` (never retry; the reason is shown).

A backend whose provider can say whether it already holds a message also has
`find_sent(message)`: the provider's id if it has it, else None. The outbox asks it before trying
a message again (an expired lease or an earlier failure may hide a send that got through), so the
message is not sent twice. Only GOV.UK Notify can (by the message's reference); SMTP cannot, and
its delivery is at least once.
"""

import hashlib
import logging
import sys
import uuid

from django.conf import settings
from django.core.mail import EmailMessage

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    pass


class TemporaryFailure(DeliveryError):
    """The provider could not take it now (rate limit, outage): retried with backoff."""


class PermanentFailure(DeliveryError):
    """The provider refused it (bad address, bad template…): shown as failed, never retried."""


class ConsoleBackend:
    name = "console"

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, message) -> str:
        provider_id = f"console-{uuid.uuid4()}"
        self.stream.write(
            f"--- {message.get_channel_display()} to {message.recipient} ({provider_id})\n"
            f"Subject: {message.subject}\n\n{message.body}\n---\n"
        )
        return provider_id


class SmtpBackend:
    """Email through Django's configured EMAIL_BACKEND. It cannot send text messages."""

    name = "smtp"

    def send(self, message) -> str:
        if message.channel != "email":
            raise PermanentFailure(
                "Text messages need the GOV.UK Notify backend (NOTIFICATIONS_BACKEND=notify)."
            )
        provider_id = f"<{uuid.uuid4()}@{settings.DEFAULT_FROM_EMAIL.split('@')[-1]}>"
        email = EmailMessage(
            subject=message.subject or "Message from the council",
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
            headers={"Message-ID": provider_id, "X-Idempotency-Key": message.idempotency_key},
        )
        try:
            email.send(fail_silently=False)
        except OSError as exc:  # smtplib errors and connection failures
            raise TemporaryFailure(f"Email server error: {exc}") from exc
        return provider_id


NOTIFY_REFERENCE_LENGTH = 100


def provider_reference(message) -> str:
    """The reference the provider keeps with the message: the idempotency key, or for a key
    longer than Notify takes, its start and a hash of the whole (keys are unique; their first
    100 characters need not be)."""
    key = message.idempotency_key
    if len(key) <= NOTIFY_REFERENCE_LENGTH:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    return f"{key[: NOTIFY_REFERENCE_LENGTH - len(digest) - 1]}~{digest}"


class NotifyBackend:
    """GOV.UK Notify through its official client, with one generic template per channel.

    The templates take the personalisation fields `subject` and `body` (email) or `body` (SMS).
    """

    name = "notify"

    def __init__(self):
        from notifications_python_client.notifications import NotificationsAPIClient

        if not settings.NOTIFY_API_KEY:
            raise PermanentFailure("NOTIFY_API_KEY is not set.")
        self.client = NotificationsAPIClient(
            settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=20
        )

    def send(self, message) -> str:
        from notifications_python_client.errors import APIError, TokenError

        try:
            if message.channel == "sms":
                if not settings.NOTIFY_SMS_TEMPLATE_ID:
                    raise PermanentFailure("NOTIFY_SMS_TEMPLATE_ID is not set.")
                response = self.client.send_sms_notification(
                    phone_number=message.recipient,
                    template_id=settings.NOTIFY_SMS_TEMPLATE_ID,
                    personalisation={"body": message.body},
                    reference=provider_reference(message),
                )
            else:
                if not settings.NOTIFY_EMAIL_TEMPLATE_ID:
                    raise PermanentFailure("NOTIFY_EMAIL_TEMPLATE_ID is not set.")
                response = self.client.send_email_notification(
                    email_address=message.recipient,
                    template_id=settings.NOTIFY_EMAIL_TEMPLATE_ID,
                    personalisation={"subject": message.subject, "body": message.body},
                    reference=provider_reference(message),
                )
        except APIError as exc:
            reason = f"GOV.UK Notify answered {exc.status_code}: {_notify_reason(exc)}"
            if exc.status_code == 429 or exc.status_code >= 500:
                raise TemporaryFailure(reason) from exc
            raise PermanentFailure(reason) from exc
        except TokenError as exc:
            raise PermanentFailure(f"GOV.UK Notify API key problem: {exc.message}") from exc
        return str(response["id"])

    def find_sent(self, message) -> str | None:
        """Notify's id for this message if Notify already has it (looked up by reference)."""
        from notifications_python_client.errors import APIError, TokenError

        reference = provider_reference(message)
        try:
            response = self.client.get_all_notifications(reference=reference)
        except APIError as exc:
            # Not knowing is not "no": never send again on a guess. Try again later.
            raise TemporaryFailure(
                f"Could not ask GOV.UK Notify whether it already has the message "
                f"(it answered {exc.status_code}: {_notify_reason(exc)})"
            ) from exc
        except TokenError as exc:
            raise PermanentFailure(f"GOV.UK Notify API key problem: {exc.message}") from exc
        for notification in (response or {}).get("notifications", []):
            if notification.get("reference") == reference:
                return str(notification["id"])
        return None


def _notify_reason(exc) -> str:
    message = exc.message
    if isinstance(message, list):  # Notify's errors: [{"error": "...", "message": "..."}]
        return "; ".join(str(e.get("message", e)) for e in message if e) or "no reason given"
    return str(message)


BACKENDS = {"console": ConsoleBackend, "smtp": SmtpBackend, "notify": NotifyBackend}
# Channels delivered by a backend of their own whatever NOTIFICATIONS_BACKEND says, registered
# by the app that owns them (webhooks: `integration`), so this app imports none of them.
CHANNEL_BACKENDS = {}


def register_channel_backend(channel: str, factory) -> None:
    CHANNEL_BACKENDS[channel] = factory


def backend_get(channel: str | None = None):
    if channel in CHANNEL_BACKENDS:
        return CHANNEL_BACKENDS[channel]()
    name = settings.NOTIFICATIONS_BACKEND
    try:
        return BACKENDS[name]()
    except KeyError:
        raise PermanentFailure(
            f"NOTIFICATIONS_BACKEND is {name!r}: use console, smtp or notify."
        ) from None
