"""The GOV.UK Notify path with the official client against a real local HTTP server."""

import json
import threading
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from notifications import services
from notifications.backends import provider_reference
from notifications.models import Message

pytestmark = pytest.mark.django_db

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"


class FakeNotify(BaseHTTPRequestHandler):
    """Answers like Notify: the queued answers in `responses`, then 201 with an id."""

    responses: list = []
    received: list = []
    held: list = []  # the notifications Notify has, found by GET /v2/notifications?reference=
    lookups: list = []
    lookup_responses: list = []

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append(
            {"path": self.path, "body": body, "auth": self.headers.get("Authorization", "")}
        )
        if self.responses:
            status, payload = self.responses.pop(0)
        else:
            status, payload = 201, {"id": str(uuid.uuid4()), "reference": body.get("reference")}
            self.held.append(payload)
        self._answer(status, payload)

    def do_GET(self):  # noqa: N802
        url = urlparse(self.path)
        reference = parse_qs(url.query).get("reference", [None])[0]
        self.lookups.append(reference)
        if self.lookup_responses:
            status, payload = self.lookup_responses.pop(0)
        else:
            found = [n for n in self.held if n["reference"] == reference]
            status, payload = 200, {"notifications": found, "links": {}}
        self._answer(status, payload)

    def _answer(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_notify(settings):
    FakeNotify.responses = []
    FakeNotify.received = []
    FakeNotify.held = []
    FakeNotify.lookups = []
    FakeNotify.lookup_responses = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeNotify)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.NOTIFICATIONS_BACKEND = "notify"
    settings.NOTIFY_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.NOTIFY_API_KEY = f"test_key-{SERVICE_ID}-{SECRET}"
    settings.NOTIFY_EMAIL_TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
    settings.NOTIFY_SMS_TEMPLATE_ID = "9a4e1a8c-7e5d-4f1a-93c0-6a3f2b7f0c11"
    yield FakeNotify
    server.shutdown()
    server.server_close()


def enqueue(channel="email", recipient="jane@example.com"):
    message, _ = services.message_enqueue(
        channel=channel,
        recipient=recipient,
        subject="Your request REQ-2026-000001",
        body="It is now being assessed.",
        idempotency_key=f"request:1:visit:1:action:1:{channel}:{recipient}",
    )
    return message


def test_email_is_sent_through_notify_and_its_id_stored(fake_notify):
    message = enqueue()
    services.message_send(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.backend == "notify"
    request = fake_notify.received[0]
    assert request["path"] == "/v2/notifications/email"
    assert request["auth"].startswith("Bearer ")
    assert request["body"]["email_address"] == "jane@example.com"
    assert request["body"]["personalisation"] == {
        "subject": "Your request REQ-2026-000001",
        "body": "It is now being assessed.",
    }
    assert request["body"]["reference"] == message.idempotency_key
    uuid.UUID(message.provider_id)


def test_sms_is_sent_through_notify(fake_notify):
    message = enqueue(channel="sms", recipient="+447700900123")
    services.message_send(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert fake_notify.received[0]["path"] == "/v2/notifications/sms"
    assert fake_notify.received[0]["body"]["phone_number"] == "+447700900123"


@pytest.mark.parametrize("status", [429, 500, 503])
def test_rate_limit_and_server_errors_are_retried(fake_notify, status):
    fake_notify.responses = [
        (status, {"status_code": status, "errors": [{"error": "E", "message": "Try later"}]})
    ]
    message = enqueue()
    services.message_send(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Message.Status.PENDING
    assert f"answered {status}" in message.last_error
    services.outbox_sweep(now=message.next_attempt_at)
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert len(fake_notify.received) == 2


def test_other_client_errors_fail_at_once_with_notifys_reason(fake_notify):
    fake_notify.responses = [
        (
            400,
            {
                "status_code": 400,
                "errors": [
                    {
                        "error": "ValidationError",
                        "message": "email_address Not a valid email address",
                    }
                ],
            },
        )
    ]
    message = enqueue(recipient="not-an-email")
    services.message_send(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert "Not a valid email address" in message.last_error
    assert services.outbox_sweep() == 0  # never retried
    assert len(fake_notify.received) == 1


def test_unreachable_notify_is_retried(settings):
    settings.NOTIFICATIONS_BACKEND = "notify"
    settings.NOTIFY_BASE_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    settings.NOTIFY_API_KEY = f"test_key-{SERVICE_ID}-{SECRET}"
    settings.NOTIFY_EMAIL_TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
    message = enqueue()
    services.message_send(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Message.Status.PENDING
    assert message.last_error


def test_missing_api_key_fails_with_a_clear_reason(settings):
    settings.NOTIFICATIONS_BACKEND = "notify"
    settings.NOTIFY_API_KEY = ""
    message = enqueue()
    services.message_send(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert message.last_error == "NOTIFY_API_KEY is not set."


def lease_ran_out(message):
    """What a worker killed mid-send leaves: SENDING, one attempt, its lease over."""
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENDING,
        attempts=1,
        next_attempt_at=message.created_at - timedelta(seconds=1),
        provider_id="",
    )


def test_first_send_does_not_ask_notify(fake_notify):
    message = enqueue()
    services.message_send(message_id=message.pk)
    assert fake_notify.lookups == []
    assert len(fake_notify.received) == 1


def test_after_a_killed_send_notify_is_asked_and_the_message_not_sent_again(fake_notify):
    message = enqueue()
    services.message_send(message_id=message.pk)  # Notify takes it …
    first_id = fake_notify.held[0]["id"]
    lease_ran_out(message)  # … but the worker died before writing that down

    assert services.outbox_sweep() == 1
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.provider_id == first_id
    assert message.attempts == 2
    assert fake_notify.lookups == [message.idempotency_key]
    assert len(fake_notify.received) == 1  # sent once


def test_after_a_killed_send_that_never_reached_notify_it_is_sent(fake_notify):
    message = enqueue()
    lease_ran_out(message)
    services.outbox_sweep()
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert fake_notify.lookups == [message.idempotency_key]
    assert len(fake_notify.received) == 1


def test_when_notify_cannot_say_whether_it_has_the_message_nothing_is_sent(fake_notify):
    fake_notify.lookup_responses = [
        (500, {"status_code": 500, "errors": [{"error": "E", "message": "Internal error"}]})
    ]
    message = enqueue()
    lease_ran_out(message)
    services.outbox_sweep()
    message.refresh_from_db()
    assert message.status == Message.Status.PENDING  # asked again later, never guessed
    assert "Could not ask GOV.UK Notify" in message.last_error
    assert fake_notify.received == []


def test_long_idempotency_keys_get_distinct_references_within_notifys_limit():
    common = "request:1:" + "x" * 120
    first, second = Message(idempotency_key=common + ":a"), Message(idempotency_key=common + ":b")
    assert len(provider_reference(first)) == 100
    assert provider_reference(first) != provider_reference(second)
    assert provider_reference(Message(idempotency_key="short:key")) == "short:key"


def test_send_lease_is_a_setting(settings):
    settings.NOTIFICATIONS_SEND_LEASE_SECONDS = 2
    assert services.send_lease() == timedelta(seconds=2)
