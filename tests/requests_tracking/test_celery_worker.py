"""A real Celery worker against Redis: an SLA breach is detected and its message leaves the
outbox. Runs when REDIS_URL is set (CI's PostgreSQL + Redis run); it empties that Redis database
first (so give each run or engineer their own database number)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Message
from requests_tracking.models import Request, StageAction
from requests_tracking.services import request_create
from tests.factories import ProcessFactory, StaffFactory, StageActionFactory

pytestmark = [pytest.mark.celery_worker]


def test_worker_detects_breach_and_sends_its_notification(celery_worker):
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

    celery_worker.start(NOTIFICATIONS_BACKEND="console")
    celery_worker.send("requests_tracking.tasks.sla_sweep")

    def sent():
        return Message.objects.filter(
            object_id=str(request.pk), status=Message.Status.SENT
        ).first()

    message = celery_worker.wait_for(sent)
    log = celery_worker.log()
    assert message is not None, f"no breach message was sent. Worker log:\n{log}"
    assert message.provider_id.startswith("console-")
    assert message.recipient == request.team.email
    request.refresh_from_db()
    assert request.sla_state == Request.SlaState.BREACHED
    assert Message.objects.filter(object_id=str(request.pk)).count() == 1
