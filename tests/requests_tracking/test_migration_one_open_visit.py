"""The migration adding "one open stage visit per request" first repairs requests that the old
race left with two open visits, so it never fails on a real database."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("requests_tracking", "0007_duplicate_links")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets, at_end=False).apps


@pytest.mark.django_db(transaction=True)
def test_requests_left_with_two_open_visits_keep_the_current_one_open():
    old = _migrate(BEFORE)
    area = old.get_model("organisation", "ServiceArea").objects.create(
        name="Highways (migration test)", slug="highways-migration-test"
    )
    process = old.get_model("requests_tracking", "Process").objects.create(
        code="pothole-migration-test", name="Pothole", service_area=area
    )
    stage_model = old.get_model("requests_tracking", "Stage")
    first = stage_model.objects.create(process=process, order=1, name="Assess")
    second = stage_model.objects.create(process=process, order=2, name="Fix")
    request_model = old.get_model("requests_tracking", "Request")
    raced = request_model.objects.create(
        reference="REQ-MIG-1", process=process, service_area=area, description="Pothole"
    )
    visit_model = old.get_model("requests_tracking", "StageVisit")
    now = timezone.now()
    stale = visit_model.objects.create(
        request=raced, stage=first, entered_at=now - timedelta(days=2), due_at=now
    )
    current = visit_model.objects.create(
        request=raced, stage=second, entered_at=now - timedelta(days=1), due_at=now
    )
    request_model.objects.filter(pk=raced.pk).update(current_stage=second, current_visit=current)

    call_command("migrate", verbosity=0)

    from requests_tracking.models import StageVisit

    open_visits = StageVisit.objects.filter(request_id=raced.pk, left_at__isnull=True)
    assert list(open_visits.values_list("pk", flat=True)) == [current.pk]
    repaired = StageVisit.objects.get(pk=stale.pk)
    assert repaired.left_at == current.entered_at
    assert repaired.sla_met is True
