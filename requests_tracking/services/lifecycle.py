"""Raising a request and moving it through its life: stages, hold, resolve, close, reopen,
cancel, assign. Each transition takes the row lock and checks its guard first."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from citizens.normalise import postcode_normalise
from core.sequences import sequence_next
from notifications.services import messages_enqueue_many
from requests_tracking import sla
from requests_tracking.models import (
    Process,
    Request,
    StageAction,
    StageVisit,
)
from requests_tracking.services.actions import (
    AUTO_CLOSE_BODY,
    AUTO_CLOSE_SUBJECT,
    _audiences,
    _citizen_messages,
    _context,
    _fire_event_actions,
)
from requests_tracking.services.dates import _dates_refresh, _next_check_refresh, _pause_end
from requests_tracking.services.guards import S, _guard, _locked, _neighbour_stage
from requests_tracking.services.records import _audit, _save
from requests_tracking.signals import (
    request_assigned,
    request_created,
    request_stage_changed,
    request_status_changed,
)
from requests_tracking.working_time import working_seconds_between


def _enter_stage(*, actor, request, stage, now):
    visit = StageVisit(request=request, stage=stage, entered_at=now, entered_by=actor)
    visit.due_at = sla.checkpoint_at(visit, stage, 1.0)
    visit.save()
    request.current_stage = stage
    request.current_visit = visit
    request.sla_state = Request.SlaState.ON_TRACK
    request.waiting_since = None
    _next_check_refresh(request)
    _fire_event_actions(
        actor=actor, request=request, visit=visit, trigger=StageAction.Trigger.ENTER
    )
    return visit


def _leave_stage(*, actor, request, now, exit):
    _pause_end(request, now)
    visit = request.current_visit
    if visit is None:
        return None
    visit.left_at = now
    visit.left_by = actor
    visit.exit = exit
    visit.working_seconds = max(
        working_seconds_between(visit.entered_at, now) - (visit.paused_seconds or 0), 0
    )
    visit.sla_met = now <= visit.due_at
    visit.save(update_fields=["left_at", "left_by", "exit", "working_seconds", "sla_met"])
    return visit


def _reference_new(now) -> str:
    year = timezone.localtime(now).year
    return f"REQ-{year}-{sequence_next(name=f'request-{year}'):06d}"


@transaction.atomic
def request_create(
    *,
    actor,
    process: Process,
    description: str,
    citizen=None,
    channel=None,
    originating_contact=None,
    address_line_1: str = "",
    postcode: str = "",
    uprn: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    team=None,
    assigned_to=None,
    service_area=None,
    now=None,
) -> Request:
    now = now or timezone.now()
    if not process.is_current or not process.active:
        raise ValidationError({"process": "This process is not in use any more. Choose another."})
    stages = list(process.stages.all())
    if not stages:
        raise ValidationError({"process": "This process has no stages yet. Ask an administrator."})
    if postcode:
        try:
            postcode = postcode_normalise(postcode)
        except ValueError as exc:
            raise ValidationError(
                {"postcode": "Enter a real UK postcode, like SW1A 1AA."}
            ) from exc
    request = Request(
        reference=_reference_new(now),
        citizen=citizen,
        process=process,
        status=S.OPEN,
        description=description,
        channel=channel,
        originating_contact=originating_contact,
        address_line_1=address_line_1,
        postcode=postcode,
        postcode_compact=postcode.replace(" ", ""),
        uprn=uprn,
        latitude=latitude,
        longitude=longitude,
        # A form's rules may send the request to another service area than the process's.
        service_area_id=service_area.pk if service_area else process.service_area_id,
        team=team or process.default_team,
        assigned_to=assigned_to,
        created_by=actor,
    )
    request._stages_cache = stages
    request.save()
    # created_at is set by the database clock; SLAs start from `now` for testability.
    _enter_stage(actor=actor, request=request, stage=stages[0], now=now)
    _dates_refresh(request, now)
    _save(request)
    request_created.send(sender=Request, instance=request, actor=actor)
    _audit(actor, request, "created")
    return request


# --- Case work ------------------------------------------------------------------------------


def _move(*, actor, request, step, now):
    request = _locked(request)
    _guard(request, "advance" if step > 0 else "back")
    target = _neighbour_stage(request, step)
    from_stage = request.current_stage
    _leave_stage(
        actor=actor,
        request=request,
        now=now,
        exit=StageVisit.Exit.ADVANCED if step > 0 else StageVisit.Exit.BACK,
    )
    _enter_stage(actor=actor, request=request, stage=target, now=now)
    _dates_refresh(request, now)
    _save(request)
    request_stage_changed.send(
        sender=Request,
        instance=request,
        actor=actor,
        from_stage=from_stage,
        to_stage=target,
        direction="forward" if step > 0 else "back",
    )
    _audit(actor, request, "stage", stage=target.name)
    return request


@transaction.atomic
def request_advance(*, actor, request: Request, now=None) -> Request:
    """Move to the next stage."""
    return _move(actor=actor, request=request, step=1, now=now or timezone.now())


@transaction.atomic
def request_move_back(*, actor, request: Request, now=None) -> Request:
    """Move back to the previous stage (a fresh stay, with a fresh SLA)."""
    return _move(actor=actor, request=request, step=-1, now=now or timezone.now())


def _status_changed(actor, request, change, reason=""):
    request_status_changed.send(
        sender=Request, instance=request, actor=actor, change=change, reason=reason
    )
    _audit(actor, request, change, reason=reason)


def _reason_required(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": f"Enter the reason {what}."})
    return reason


@transaction.atomic
def request_hold(*, actor, request: Request, reason: str, now=None) -> Request:
    now = now or timezone.now()
    reason = _reason_required(reason, "for putting the request on hold")
    request = _locked(request)
    _guard(request, "hold")
    _pause_end(request, now)  # a hold ends any wait for the citizen; the SLA clock runs on hold
    request.status = S.ON_HOLD
    request.status_reason = reason
    _next_check_refresh(request)
    _save(request)
    _status_changed(actor, request, "on_hold", reason)
    return request


@transaction.atomic
def request_resume(*, actor, request: Request, now=None) -> Request:
    request = _locked(request)
    _guard(request, "resume")
    request.status = S.OPEN
    request.status_reason = ""
    _next_check_refresh(request)
    _save(request)
    _status_changed(actor, request, "resumed")
    return request


@transaction.atomic
def request_resolve(*, actor, request: Request, resolution: str, now=None) -> Request:
    now = now or timezone.now()
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": "Enter what was done to resolve the request."})
    request = _locked(request)
    _guard(request, "resolve")
    visit = _leave_stage(actor=actor, request=request, now=now, exit=StageVisit.Exit.RESOLVED)
    request.status = S.RESOLVED
    request.resolution = resolution
    request.resolved_at = now
    request.status_reason = ""
    request.estimated_completion_at = now
    request.next_check_at = None
    _save(request)
    _fire_event_actions(
        actor=actor, request=request, visit=visit, trigger=StageAction.Trigger.RESOLVE
    )
    _status_changed(actor, request, "resolved", resolution)
    return request


@transaction.atomic
def request_close(*, actor, request: Request, automatic: bool = False, now=None) -> Request:
    now = now or timezone.now()
    request = _locked(request)
    _guard(request, "close")
    request.status = S.CLOSED
    request.closed_at = now
    _save(request)
    if automatic:
        template = request.process.closure_template
        messages = _citizen_messages(
            request=request,
            audience=_audiences([request])[request.pk],
            subject=template.subject if template else AUTO_CLOSE_SUBJECT,
            body=template.body if template else AUTO_CLOSE_BODY,
            sms_body=template.sms_body if template else "",
            event_key=f"request:{request.pk}:closed:{int(now.timestamp())}",
            event="Closed automatically",
            context=_context(request),
        )
        messages_enqueue_many(actor=actor, messages=messages)
    _status_changed(actor, request, "closed", "Closed automatically" if automatic else "")
    return request


@transaction.atomic
def request_reopen(*, actor, request: Request, reason: str, now=None) -> Request:
    now = now or timezone.now()
    reason = _reason_required(reason, "for reopening the request")
    request = _locked(request)
    _guard(request, "reopen")
    request.status = S.OPEN
    request.resolved_at = None
    request.closed_at = None
    request.status_reason = reason
    _enter_stage(actor=actor, request=request, stage=request.current_stage, now=now)
    _dates_refresh(request, now)
    _save(request)
    _status_changed(actor, request, "reopened", reason)
    return request


@transaction.atomic
def request_cancel(*, actor, request: Request, reason: str, now=None) -> Request:
    now = now or timezone.now()
    reason = _reason_required(reason, "for cancelling the request")
    request = _locked(request)
    _guard(request, "cancel")
    _leave_stage(actor=actor, request=request, now=now, exit=StageVisit.Exit.CANCELLED)
    request.status = S.CANCELLED
    request.status_reason = reason
    request.next_check_at = None
    request.estimated_completion_at = None
    _save(request)
    _status_changed(actor, request, "cancelled", reason)
    return request


@transaction.atomic
def request_assign(*, actor, request: Request, team=None, assigned_to=None) -> Request:
    request = _locked(request)
    _guard(request, "assign")
    if team is not None and team.service_area_id != request.service_area_id:
        raise ValidationError({"team": "Choose a team of this request's service area."})
    request.team = team
    request.assigned_to = assigned_to
    request.save(update_fields=["team", "assigned_to", "updated_at"])
    request_assigned.send(
        sender=Request, instance=request, actor=actor, team=team, assigned_to=assigned_to
    )
    _audit(
        actor,
        request,
        "assigned",
        team=str(team or ""),
        assigned_to=str(assigned_to or ""),
    )
    return request
