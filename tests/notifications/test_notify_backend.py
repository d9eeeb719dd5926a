"""The GOV.UK Notify path with the official client against a real local HTTP server."""

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from notifications import services
from notifications.models import Message

pytestmark = pytest.mark.django_db

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"


class FakeNotify(BaseHTTPRequestHandler):
    """Answers like Notify: the queued answers in `responses`, then 201 with an id."""

    responses: list = []
    received: list = []

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append(
            {"path": self.path, "body": body, "auth": self.headers.get("Authorization", "")}
        )
        if self.responses:
            status, payload = self.responses.pop(0)
        else:
            status, payload = 201, {"id": str(uuid.uuid4()), "reference": body.get("reference")}
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
