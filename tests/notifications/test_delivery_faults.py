"""Delivery under real faults: a real Celery worker killed with SIGKILL mid-send, a real broker
stopped and restarted, a broker that accepts connections and never answers. Each runs on a
private redis-server started on a free port (never the suite's shared Redis) and counts sends
at a local fake GOV.UK Notify: every message reaches it exactly once.

Run them: `REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python -m pytest
tests/notifications/test_delivery_faults.py -q`. They are skipped when REDIS_URL is not set (like
the suite's other real-worker tests) or the redis-server binary is missing.
"""

import signal
import time
import uuid

import pytest
from django.db import transaction

from notifications import services
from notifications.models import Message
from tests.conftest import REDIS_URL, CeleryWorker
from tests.notifications.faults import (
    REDIS_SERVER,
    FakeNotify,
    PrivateRedis,
    SilentBroker,
    web_broker,
)

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set: fault tests need Redis"),
    pytest.mark.skipif(not REDIS_SERVER, reason="the redis-server binary is not installed"),
]

LEASE_SECONDS = 2


@pytest.fixture
def notify():
    fake = FakeNotify()
    yield fake
    fake.close()


@pytest.fixture
def broker(tmp_path):
    server = PrivateRedis(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def workers(tmp_path, transactional_db, broker, notify):
    """workers() starts one more real worker on the private broker, sending through the fake
    Notify with a 2-second send lease; all are stopped at the end."""
    started = []

    def start():
        worker = CeleryWorker(tmp_path / f"worker-{len(started)}.log", broker=broker.url)
        worker.start(flush=not started, **notify.env(lease_seconds=LEASE_SECONDS))
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def enqueue(batch: str, count: int) -> list[Message]:
    """Queue `count` emails in one transaction and one task, as a staff action does."""
    run = uuid.uuid4().hex[:8]
    with transaction.atomic():
        return services.messages_enqueue_many(
            messages=[
                services.OutgoingMessage(
                    channel="email",
                    recipient=f"resident{n}@example.com",
                    subject="Your request",
                    body="It has moved on.",
                    idempotency_key=f"fault:{run}:{batch}:{n}",
                )
                for n in range(count)
            ]
        )


def deliver_all(worker, messages, timeout=60):
    """Run the outbox sweep on the worker (as beat would) until every message is sent."""
    ids = [m.pk for m in messages]

    def all_sent():
        return Message.objects.filter(pk__in=ids, status=Message.Status.SENT).count() == len(ids)

    deadline = time.monotonic() + timeout
    while not all_sent() and time.monotonic() < deadline:
        worker.send("notifications.tasks.outbox_sweep")
        time.sleep(1)
    return all_sent()


def references(messages):
    return [m.idempotency_key for m in messages]


def test_worker_killed_mid_send_neither_loses_nor_doubles(broker, notify, workers):
    first = workers()
    notify.hold()  # Notify takes the first send, then holds the answer: the worker is mid-send
    with web_broker(broker.url):
        messages = enqueue("killed", 5)
    assert notify.taken.wait(timeout=60), first.log()

    first.process.send_signal(signal.SIGKILL)
    first.process.wait(timeout=10)
    notify.release()
    held = Message.objects.get(status=Message.Status.SENDING)
    assert notify.tally([held.idempotency_key])["sends"] == 1  # Notify has it already

    second = workers()
    assert deliver_all(second, messages), second.log()

    assert notify.tally(references(messages)) == {"sends": 5, "lost": 0, "doubled": 0}
    held.refresh_from_db()
    assert held.attempts == 2  # tried again after its lease ran out …
    assert held.provider_id == next(  # … and took Notify's id instead of sending again
        n["id"] for n in notify.notifications if n["reference"] == held.idempotency_key
    )
    assert notify.lookups >= 1


def test_broker_stopped_and_restarted_neither_loses_nor_doubles(broker, notify, workers):
    worker = workers()
    with web_broker(broker.url):
        before = enqueue("before", 5)
        assert deliver_all(worker, before), worker.log()

        broker.stop()  # everything queued in it is gone too
        during = enqueue("during", 5)  # the change is saved; the publish fails at once
        assert Message.objects.filter(
            pk__in=[m.pk for m in during], status=Message.Status.PENDING
        ).count() == len(during)

        broker.start()  # same port: the worker reconnects
        assert deliver_all(worker, during), worker.log()

    assert notify.tally(references(before + during)) == {"sends": 10, "lost": 0, "doubled": 0}


def test_hung_broker_neither_holds_the_change_nor_loses_or_doubles(broker, notify, workers):
    worker = workers()
    silent = SilentBroker()
    try:
        with web_broker(silent.url):
            messages = enqueue("hung", 5)  # returns: the publish gives up after its timeouts
        assert silent.connections  # it did try the hung broker
        assert Message.objects.filter(
            pk__in=[m.pk for m in messages], status=Message.Status.PENDING
        ).count() == len(messages)
    finally:
        silent.close()

    assert deliver_all(worker, messages), worker.log()
    assert notify.tally(references(messages)) == {"sends": 5, "lost": 0, "doubled": 0}
