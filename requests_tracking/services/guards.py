"""Which transitions a request's state allows (in plain words), and taking its row lock."""

from dataclasses import dataclass

from requests_tracking.models import (
    Request,
    Stage,
)

S = Request.Status


class TransitionRefused(Exception):
    """The request's state does not allow this change; the message says why in plain words."""


class RequestMovedOn(TransitionRefused):
    """The request changed since the page (or API client) read it; nothing was changed."""


@dataclass(frozen=True)
class ExpectedState:
    """What the caller saw when it offered the transition: the stage, status and version
    (`Request.version`) it showed. Each is checked when given, under the row lock, so a second
    click or a second officer acting on the same old page changes nothing."""

    stage_id: int | None = None
    status: str | None = None
    version: int | None = None

    def refusal(self, service_request) -> str | None:
        stale = (
            (self.stage_id is not None and self.stage_id != service_request.current_stage_id)
            or (self.status is not None and self.status != service_request.status)
            or (self.version is not None and self.version != service_request.version)
        )
        return moved_on_message(service_request) if stale else None


def moved_on_message(service_request) -> str:
    stage = service_request.current_stage.name if service_request.current_stage_id else "no stage"
    return (
        f"This request has moved on since you opened it: it is now at {stage} "
        f"({service_request.get_status_display().lower()}). Nothing was changed."
    )


# --- Guards ---------------------------------------------------------------------------------


def process_stages(service_request) -> list[Stage]:
    cache = getattr(service_request, "_stages_cache", None)
    if cache is None:
        cache = list(service_request.process.stages.all())
        service_request._stages_cache = cache
    return cache


def neighbour_stage(service_request, step: int) -> Stage | None:
    stages = process_stages(service_request)
    ids = [s.pk for s in stages]
    if service_request.current_stage_id not in ids:
        return None
    index = ids.index(service_request.current_stage_id) + step
    return stages[index] if 0 <= index < len(stages) else None


def transition_refusal(service_request, action: str) -> str | None:
    """Why `action` is not allowed now, in plain words; None when it is allowed."""
    status = service_request.status
    label = service_request.get_status_display().lower()
    if action in ("advance", "back"):
        if status == S.ON_HOLD:
            return "This request is on hold. Take it off hold before moving it."
        if status == S.WAITING:
            return "This request is waiting for the citizen. Record their reply first."
        if status != S.OPEN:
            return f"This request is {label}, so it cannot change stage."
        if action == "advance" and neighbour_stage(service_request, 1) is None:
            return "This is the last stage. Resolve the request instead."
        if action == "back" and neighbour_stage(service_request, -1) is None:
            return "This is the first stage, so there is no stage to go back to."
        return None
    if action == "hold":
        if status == S.ON_HOLD:
            return "This request is already on hold."
        return None if status in (S.OPEN, S.WAITING) else f"A {label} request cannot be on hold."
    if action == "resume":
        return None if status == S.ON_HOLD else "Only a request on hold can be taken off hold."
    if action == "request_information":
        if service_request.citizen_id is None:
            return "This is an anonymous report: there is no citizen to ask."
        return (
            None
            if status in (S.OPEN, S.WAITING)
            else f"A {label} request cannot ask the citizen for information."
        )
    if action == "citizen_reply":
        return None if status == S.WAITING else "This request is not waiting for the citizen."
    if action in ("resolve", "cancel"):
        return None if status in Request.LIVE_STATUSES else f"This request is already {label}."
    if action == "close":
        return None if status == S.RESOLVED else "Only a resolved request can be closed."
    if action == "reopen":
        return (
            None
            if status in (S.RESOLVED, S.CLOSED)
            else "Only a resolved or closed request can be reopened."
        )
    if action == "change_due":
        return (
            None
            if status in Request.LIVE_STATUSES
            else f"A {label} request has no due date to change."
        )
    if action == "assign":
        return (
            None
            if status not in (S.CLOSED, S.CANCELLED)
            else f"A {label} request cannot be reassigned."
        )
    raise ValueError(action)


TRANSITIONS = [
    "advance",
    "back",
    "hold",
    "resume",
    "request_information",
    "citizen_reply",
    "resolve",
    "close",
    "reopen",
    "cancel",
    "assign",
    "change_due",
]


def transitions_allowed(service_request) -> set[str]:
    return {name for name in TRANSITIONS if transition_refusal(service_request, name) is None}


def transition_guard(service_request, action):
    refusal = transition_refusal(service_request, action)
    if refusal:
        raise TransitionRefused(refusal)


def request_locked(service_request, expected: ExpectedState | None = None) -> Request:
    """Lock the request's row, then re-read it with what it points at, so concurrent changes
    queue up instead of clashing; with `expected`, refuse (RequestMovedOn) if it has moved on.

    The locking query joins nothing. Under PostgreSQL's READ COMMITTED a locking query that
    waited for another transaction re-checks only the locked row: rows joined in the same
    query stay as they were before the wait (or come back empty), so a second "advance" saw
    the new stage with no current visit. The read after the lock is a new statement and sees
    everything the other transaction committed.
    """
    locked = list(
        Request.objects.select_for_update()
        .filter(pk=service_request.pk)
        .order_by()
        .values_list("pk")
    )
    if not locked:
        raise Request.DoesNotExist(f"No request {service_request.pk}")
    fresh = Request.objects.select_related(
        "process", "current_stage", "current_visit", "citizen", "team"
    ).get(pk=service_request.pk)
    if expected is not None:
        refusal = expected.refusal(fresh)
        if refusal:
            raise RequestMovedOn(refusal)
    return fresh
