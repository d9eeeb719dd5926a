"""Due dates, estimated completion, the clock stopped while waiting, and the next SLA check."""

from datetime import timedelta

from django.db.models import Avg, Count
from django.utils import timezone

from requests_tracking import sla
from requests_tracking.models import (
    ActionFiring,
    Process,
    Request,
    StageVisit,
)
from requests_tracking.services.guards import process_stages
from requests_tracking.working_time import add_working_seconds, working_seconds_between

# Completed stays of a stage needed before their average replaces the SLA in estimates.
ESTIMATE_MIN_SAMPLES = 3
ESTIMATE_LOOKBACK_DAYS = 365
# A stage already past its expected time is not assumed to finish this minute.
OVERDUE_STAGE_SECONDS = 3600


def stage_expected_seconds(process: Process) -> dict[int, float]:
    """Average working time each stage (by order) took in completed requests of this process."""
    since = timezone.now() - timedelta(days=ESTIMATE_LOOKBACK_DAYS)
    rows = (
        StageVisit.objects.filter(
            stage__process__code=process.code,
            left_at__gte=since,
            working_seconds__isnull=False,
            exit__in=[StageVisit.Exit.ADVANCED, StageVisit.Exit.RESOLVED],
        )
        .values("stage__order")
        .annotate(avg=Avg("working_seconds"), n=Count("id"))
    )
    return {r["stage__order"]: r["avg"] for r in rows if r["n"] >= ESTIMATE_MIN_SAMPLES}


def request_dates_refresh(service_request, now, *, expected=None):
    """Overall due date and estimated completion from the current stage and those after it.

    `expected` (from stage_expected_seconds) can be passed in when refreshing many requests.
    """
    visit = service_request.current_visit
    stages = process_stages(service_request)
    if visit is None or service_request.current_stage_id is None:
        return
    later = [s for s in stages if s.order > service_request.current_stage.order]
    service_request.due_at = add_working_seconds(
        visit.due_at, sum(sla.stage_sla_seconds(s) for s in later)
    )
    if expected is None:
        expected = stage_expected_seconds(service_request.process)
    current = service_request.current_stage
    elapsed = working_seconds_between(visit.entered_at, now) - (visit.paused_seconds or 0)
    remaining_here = max(
        expected.get(current.order, sla.stage_sla_seconds(current)) - max(elapsed, 0),
        OVERDUE_STAGE_SECONDS,
    )
    remaining_later = sum(expected.get(s.order, sla.stage_sla_seconds(s)) for s in later)
    service_request.estimated_completion_at = add_working_seconds(
        now, remaining_here + remaining_later
    )


def _pause_seconds_so_far(service_request, now) -> float:
    if service_request.waiting_since and service_request.current_stage.pauses_while_waiting:
        return working_seconds_between(service_request.waiting_since, now)
    return 0.0


def request_pause_end(service_request, now):
    """The citizen answered (or the wait ended another way): restart a stopped clock."""
    if service_request.waiting_since is None:
        return
    visit = service_request.current_visit
    paused = _pause_seconds_so_far(service_request, now)
    service_request.waiting_since = None
    if visit is not None and paused:
        visit.paused_seconds = (visit.paused_seconds or 0) + paused
        visit.due_at = sla.checkpoint_at(visit, service_request.current_stage, 1.0)
        visit.save(update_fields=["paused_seconds", "due_at"])
    request_next_check_refresh(service_request)


def request_next_check_refresh(service_request):
    visit = service_request.current_visit
    if visit is None or service_request.status not in Request.LIVE_STATUSES:
        service_request.next_check_at = None
        return
    if service_request.waiting_since and service_request.current_stage.pauses_while_waiting:
        service_request.next_check_at = None  # the clock is stopped: nothing can fall due
        return
    fired = set(ActionFiring.objects.filter(visit=visit).values_list("key", flat=True))
    actions = [a for a in service_request.current_stage.actions.all() if a.active]
    service_request.next_check_at = sla.next_check(
        visit, service_request.current_stage, actions, fired
    )


def requests_estimates_refresh(*, now=None, batch_size: int = 500) -> int:
    """Move estimates that have slipped into the past forward, so an open request never shows
    an estimated completion that has already gone by. Returns how many were refreshed."""
    now = now or timezone.now()
    refreshed, last_pk = 0, 0
    expected_by_process: dict[int, dict[int, float]] = {}
    while True:
        batch = list(
            Request.objects.filter(
                status__in=Request.LIVE_STATUSES, estimated_completion_at__lt=now, pk__gt=last_pk
            )
            .select_related("process", "current_stage", "current_visit")
            .order_by("pk")[:batch_size]
        )
        if not batch:
            return refreshed
        for service_request in batch:
            if service_request.process_id not in expected_by_process:
                expected_by_process[service_request.process_id] = stage_expected_seconds(
                    service_request.process
                )
            request_dates_refresh(
                service_request, now, expected=expected_by_process[service_request.process_id]
            )
        Request.objects.bulk_update(batch, ["due_at", "estimated_completion_at"])
        refreshed += len(batch)
        last_pk = batch[-1].pk
