"""A real Celery worker against Redis: an SLA breach is detected and its message leaves the
outbox. Runs when REDIS_URL is set (CI's PostgreSQL + Redis run) and empties the Redis database
that REDIS_URL names first (so give each run or engineer their own database number)."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from notifications.models import Message
from requests_tracking.models import Request, StageAction
from requests_tracking.services import request_create
from tests.factories import ProcessFactory, StaffFactory, StageActionFactory

REDIS_URL = os.environ.get("REDIS_URL", "")
ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not REDIS_URL, reason="REDIS_URL is not set: the real-worker test needs Redis"
    ),
]


def _worker_database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def test_worker_detects_breach_and_sends_its_notification(tmp_path):
    import redis
    from celery import Celery

    broker = REDIS_URL
    redis.Redis.from_url(broker).flushdb()  # no tasks left over from an earlier run

    process = ProcessFactory(stages=[("Inspect", 1, "hours")])
    StageActionFactory(
        stage=process.stages.get(),
        trigger=StageAction.Trigger.BREACH,
        recipient=StageAction.Recipient.TEAM,
    )
    officer = StaffFactory(username="worker-test-officer")
    request = request_create(
        actor=officer,
        process=process,
        description="Raised long ago",
        now=timezone.now() - timedelta(days=10),
    )
    assert request.next_check_at <= timezone.now()

    env = {
        **os.environ,
        "DATABASE_URL": _worker_database_url(),
        "REDIS_URL": broker,
        "NOTIFICATIONS_BACKEND": "console",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        Celery("test-client", broker=broker).send_task("requests_tracking.tasks.sla_sweep")
        deadline = time.monotonic() + 60
        message = None
        while time.monotonic() < deadline:
            message = Message.objects.filter(object_id=str(request.pk)).first()
            if message is not None and message.status == Message.Status.SENT:
                break
            time.sleep(0.5)
        output = (tmp_path / "worker.log").read_text()
        assert message is not None, f"no breach message was queued. Worker log:\n{output}"
        assert message.status == Message.Status.SENT, output
        assert message.provider_id.startswith("console-")
        assert message.recipient == request.team.email
        request.refresh_from_db()
        assert request.sla_state == Request.SlaState.BREACHED
        assert Message.objects.filter(object_id=str(request.pk)).count() == 1
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()
