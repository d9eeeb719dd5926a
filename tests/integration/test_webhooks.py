"""Outbound webhooks through the outbox, verified with the `standardwebhooks` library against
a local HTTP server that fails, succeeds or answers 410 as each test scripts it."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from citizens import services as citizen_services
from integration.models import ClientSystem, WebhookAttempt, WebhookSubscription
from integration.services import client_system_save
from integration.webhooks import UnsafeUrl, webhook_subscription_create
from notifications.models import Message
from notifications.services import outbox_sweep, retry_policy
from requests_tracking import services as request_services
from tests.factories import CitizenFactory, ProcessFactory

pytestmark = pytest.mark.django_db


class Receiver:
    """A local webhook endpoint: answers with `statuses` in turn (then 200), keeps requests."""

    def __init__(self, statuses=()):
        self.statuses = list(statuses)
        self.received = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/crm"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self):
        return [json.loads(body)["type"] for _, body in self.received]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []

    def make(statuses=()):
        made.append(Receiver(statuses))
        return made[-1]

    yield make
    for item in made:
        item.close()


@pytest.fixture
def system(administrator):
    return client_system_save(
        actor=administrator,
        system=ClientSystem(
            name="Waste contractor",
            slug="waste",
            access="read_write",
            allow_private_webhook_urls=True,  # the test endpoint is on 127.0.0.1
        ),
    )


def subscribe(system, url, events, actor):
    return webhook_subscription_create(actor=actor, client_system=system, url=url, events=events)


def sweep(minutes=0):
    return outbox_sweep(now=timezone.now() + timedelta(minutes=minutes))


def test_delivery_is_signed_per_standard_webhooks(receiver, system, administrator):
    endpoint = receiver()
    subscription = subscribe(system, endpoint.url, ["citizen.updated"], administrator)
    citizen = CitizenFactory()
    citizen_services.citizen_update(
        actor=administrator, citizen=citizen, version=citizen.version, data={"last_name": "New"}
    )
    assert sweep() == 1
    headers, body = endpoint.received[0]
    payload = Webhook(subscription.secret).verify(body, headers)  # raises if the signature is bad
    assert payload["type"] == "citizen.updated"
    assert payload["data"]["object"] == {
        "type": "citizen",
        "id": citizen.pk,
        "reference": citizen.reference,
    }
    assert payload["data"]["fields"] == ["last_name"]
    from timeline.models import Entry

    told = Entry.objects.get(citizen=citizen, kind="webhook_delivered")
    assert told.summary == "Waste contractor told: citizen.updated"
    with pytest.raises(Exception, match="signature"):
        Webhook("whsec_" + "A" * 44).verify(body, headers)


def test_failures_are_retried_with_the_same_id_until_delivered(receiver, system, administrator):
    endpoint = receiver(statuses=[500, 503])
    subscribe(system, endpoint.url, ["citizen.updated"], administrator)
    citizen = CitizenFactory()
    citizen_services.citizen_update(
        actor=administrator, citizen=citizen, version=citizen.version, data={"last_name": "New"}
    )
    sweep()
    message = Message.objects.get(channel="webhook")
    assert (message.status, message.attempts) == ("pending", 1)
    sweep(minutes=0.5)  # not due yet: the first retry waits a minute
    assert len(endpoint.received) == 1
    sweep(minutes=1.1)
    sweep(minutes=3.2)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 3)
    ids = {headers["webhook-id"] for headers, _ in endpoint.received}
    assert ids == {f"msg_{message.pk}"}
    assert list(
        WebhookAttempt.objects.order_by("attempted_at", "id").values_list("status_code", flat=True)
    ) == [500, 503, 200]


def test_webhook_retries_span_more_than_a_day():
    policy = retry_policy("webhook")
    waited = sum((policy.delay(n) for n in range(1, policy.attempts)), timedelta())
    assert waited >= timedelta(hours=24)
    assert retry_policy("email").attempts == 10  # other channels keep their policy


def test_events_about_one_request_arrive_in_order(receiver, system, administrator):
    endpoint = receiver(statuses=[500])
    subscribe(system, endpoint.url, ["request.created", "request.stage_changed"], administrator)
    request = request_services.request_create(
        actor=administrator, process=ProcessFactory(), citizen=None, description="Bins"
    )
    request_services.request_advance(actor=administrator, service_request=request)
    sweep()  # the first fails; the second must wait behind it, not overtake it
    assert endpoint.events() == ["request.created"]
    sweep(minutes=2)
    assert endpoint.events() == ["request.created", "request.created", "request.stage_changed"]


def test_410_gone_switches_the_subscription_off(receiver, system, administrator):
    endpoint = receiver(statuses=[410])
    subscription = subscribe(system, endpoint.url, ["citizen.updated"], administrator)
    citizen = CitizenFactory()
    citizen_services.citizen_update(
        actor=administrator, citizen=citizen, version=citizen.version, data={"last_name": "A"}
    )
    sweep()
    subscription.refresh_from_db()
    assert subscription.active is False
    assert "410" in subscription.disabled_reason
    assert Message.objects.get(channel="webhook").status == "failed"
    citizen_services.citizen_update(
        actor=administrator, citizen=citizen, version=citizen.version + 1, data={"last_name": "B"}
    )
    assert Message.objects.filter(channel="webhook").count() == 1  # no more deliveries queued


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8016/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "ftp://example.org/hook",
    ],
)
def test_private_and_loopback_addresses_are_refused(administrator, url):
    system = client_system_save(
        actor=administrator, system=ClientSystem(name="Benefits", slug="benefits")
    )
    with pytest.raises(UnsafeUrl):
        subscribe(system, url, ["citizen.created"], administrator)


def test_refused_at_send_time_too_when_private_addresses_are_not_allowed(
    receiver, system, administrator
):
    endpoint = receiver()
    subscription = subscribe(system, endpoint.url, ["citizen.updated"], administrator)
    ClientSystem.objects.filter(pk=system.pk).update(allow_private_webhook_urls=False)
    citizen = CitizenFactory()
    citizen_services.citizen_update(
        actor=administrator, citizen=citizen, version=citizen.version, data={"last_name": "A"}
    )
    sweep()
    assert endpoint.received == []
    message = Message.objects.get(channel="webhook")
    assert message.status == "failed"
    assert "private" in message.last_error
    assert WebhookSubscription.objects.get(pk=subscription.pk).active is True


def test_admin_form_refuses_a_private_address(admin_client_, administrator):
    system = client_system_save(
        actor=administrator, system=ClientSystem(name="Licensing", slug="licensing")
    )
    response = admin_client_.post(
        "/admin/integration/webhooksubscription/add/",
        {
            "client_system": system.pk,
            "url": "http://127.0.0.1/x",
            "events": ["citizen.created"],
            "active": "on",
            "attempts-TOTAL_FORMS": "0",
            "attempts-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "private" in response.content.decode()
    assert not WebhookSubscription.objects.exists()


def test_subscriptions_are_read_once_and_again_after_a_change(
    receiver, system, administrator, django_assert_num_queries
):
    """Every change asks which subscriptions want it: the list is kept per process, and a
    subscription added (or a client system switched off) is seen by the next change."""
    from integration.webhooks import subscriptions_for

    assert subscriptions_for("citizen.updated") == []
    with django_assert_num_queries(0):
        assert subscriptions_for("citizen.updated") == []
    subscription = subscribe(system, receiver().url, ["citizen.updated"], administrator)
    assert subscriptions_for("citizen.updated") == [subscription]
    assert subscriptions_for("request.created") == []
    system.active = False
    client_system_save(actor=administrator, system=system)
    assert subscriptions_for("citizen.updated") == []
