"""The auto-close job run by a real Celery worker against Redis (database 2).

Runs when REDIS_URL is set (CI's PostgreSQL + Redis run); skipped otherwise, because without a
broker there is no worker to talk to (the in-process path is covered in test_services.py).
"""

import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from contacts.models import Channel, Contact
from organisation.models import Location
from tests.factories import StaffFactory
from tests.factories.contacts import ContactFactory

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


def test_worker_closes_abandoned_contacts_and_flags_them(tmp_path):
    import redis
    from celery import Celery

    broker = re.sub(r"/\d*$", "", REDIS_URL.rstrip("/")) + "/2"
    redis.Redis.from_url(broker).flushdb()  # database 2 belongs to the contacts tests

    call_command("seed_reference", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    phone = Channel.objects.get(code="phone")
    centre = Location.objects.get(name="Contact centre")
    agent, other = StaffFactory(username="worker-agent"), StaffFactory(username="worker-other")
    abandoned = ContactFactory(
        agent=agent,
        channel=phone,
        location=centre,
        started_at=timezone.now() - timedelta(hours=5),
    )
    current = ContactFactory(agent=other, channel=phone, location=centre)

    env = {
        **os.environ,
        "DATABASE_URL": _worker_database_url(),
        "REDIS_URL": broker,
        "CONTACT_ABANDON_AFTER_MINUTES": "120",
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
        Celery("test-client", broker=broker).send_task("contacts.tasks.close_abandoned_contacts")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            abandoned.refresh_from_db()
            if abandoned.status != Contact.Status.OPEN:
                break
            time.sleep(0.5)
        output = (tmp_path / "worker.log").read_text()
        assert abandoned.status == Contact.Status.AUTO_CLOSED, output
        assert abandoned.outcome.code == "not_recorded"
        assert abandoned.needs_review
        assert abandoned.ended_at is not None
        current.refresh_from_db()
        assert current.status == Contact.Status.OPEN
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()
