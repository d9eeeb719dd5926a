"""The auto-close job run by a real Celery worker against Redis (the database in REDIS_URL).

Runs when REDIS_URL is set (CI's PostgreSQL + Redis run); skipped otherwise, because without a
broker there is no worker to talk to (the in-process path is covered in test_services.py).
"""

import os
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from contacts.models import Channel, Contact
from organisation.models import Location
from tests.factories import StaffFactory
from tests.factories.contacts import ContactFactory

pytestmark = [pytest.mark.celery_worker]


def test_worker_closes_abandoned_contacts_and_flags_them(celery_worker):
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

    celery_worker.start(CONTACT_ABANDON_AFTER_MINUTES="120")
    celery_worker.send("contacts.tasks.close_abandoned_contacts")

    def closed():
        abandoned.refresh_from_db()
        return abandoned.status != Contact.Status.OPEN

    assert celery_worker.wait_for(closed), celery_worker.log()
    assert abandoned.status == Contact.Status.AUTO_CLOSED
    assert abandoned.outcome.code == "not_recorded"
    assert abandoned.needs_review
    assert abandoned.ended_at is not None
    current.refresh_from_db()
    assert current.status == Contact.Status.OPEN
