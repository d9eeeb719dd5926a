"""Due dates, estimated completion, the clock stopped while waiting, and the next SLA check."""

import time as clock
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


# The averages are of a year of completed stays, so one more stay changes them by a hair: each
# process (all its versions) has them worked out at most once every EXPECTED_KEEP_SECONDS in each
# worker, instead of on every raise and move (an aggregate over every stay of the year:
# 7 ms a raise at the demo's 25,000 requests, and growing with them).
EXPECTED_KEEP_SECONDS = 600
_expected_kept: dict[str, tuple[float, dict[int, float]]] = {}


def stage_expected_forget() -> None:
    _expected_kept.clear()


def stage_expected_seconds(process: Process) -> dict[int, float]:
    """Average working time each stage (by order) took in completed requests of this process
    (all its versions), as worked out in the last EXPECTED_KEEP_SECONDS."""
    now = clock.monotonic()
    kept = _expected_kept.get(process.code)
    if kept is not None and kept[0] > now:
        return kept[1]
    expected = _stage_expected_read(process)
    _expected_kept[process.code] = (now + EXPECTED_KEEP_SECONDS, expected)
    return expected


def _stage_expected_read(process: Process) -> dict[int, float]:
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


def request_due_initial(service_request):
    """The overall target, set once when the request is raised: the first stage's due date plus
    the SLAs of the stages after it."""
    later = [
        s for s in process_stages(service_request) if s.order > service_request.current_stage.order
    ]
    return add_working_seconds(
        service_request.current_visit.due_at, sum(sla.stage_sla_seconds(s) for s in later)
    )


def request_dates_refresh(service_request, now, *, expected=None):
    """Estimated completion from the current stage and those after it.

    The overall due date is not touched: it is fixed when the request is raised (see
    `request_due_initial`, `request_pause_end` and `request_due_change`). `expected` (from
    stage_expected_seconds) can be passed in when refreshing many requests.
    """
    visit = service_request.current_visit
    stages = process_stages(service_request)
    if visit is None or service_request.current_stage_id is None:
        return
    later = [s for s in stages if s.order > service_request.current_stage.order]
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


def request_breach_record(service_request, moment):
    """A target was missed at `moment`: the first one is remembered for good."""
    if service_request.breached_at is None or moment < service_request.breached_at:
        service_request.breached_at = moment


def request_overall_breach_check(service_request, now) -> bool:
    """Record the overall target as missed once it has passed; True when it is (now) missed."""
    if service_request.overall_breached_at is not None:
        return True
    if service_request.due_at is None or service_request.status not in Request.LIVE_STATUSES:
        return False
    if service_request.waiting_since and service_request.current_stage.pauses_while_waiting:
        return False  # the clock stands still; the wait will move the target on
    if now < service_request.due_at:
        return False
    service_request.overall_breached_at = service_request.due_at
    request_breach_record(service_request, service_request.due_at)
    service_request.sla_state = Request.SlaState.BREACHED
    return True


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
        if service_request.due_at is not None and service_request.overall_breached_at is None:
            # Waiting on the citizen moves the overall target by the working time waited.
            service_request.due_at = add_working_seconds(service_request.due_at, paused)
    request_next_check_refresh(service_request)


def request_next_check_refresh(service_request, *, actions=None, fired=None):
    """When the SLA sweep next needs to look at this request. `actions` (the stage's active
    actions) and `fired` (keys fired on this visit) may be passed by a caller that has them —
    entering a stage knows its fresh visit has fired nothing."""
    visit = service_request.current_visit
    if visit is None or service_request.status not in Request.LIVE_STATUSES:
        service_request.next_check_at = None
        return
    if service_request.waiting_since and service_request.current_stage.pauses_while_waiting:
        service_request.next_check_at = None  # the clock is stopped: nothing can fall due
        return
    if fired is None:
        fired = set(ActionFiring.objects.filter(visit=visit).values_list("key", flat=True))
    if actions is None:
        actions = [a for a in service_request.current_stage.actions.all() if a.active]
    checks = [sla.next_check(visit, service_request.current_stage, actions, fired)]
    if service_request.overall_breached_at is None:
        checks.append(service_request.due_at)  # the sweep records the overall target missed
    checks = [c for c in checks if c is not None]
    service_request.next_check_at = min(checks) if checks else None


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
