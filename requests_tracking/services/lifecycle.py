"""Raising a request and moving it through its life: stages, hold, resolve, close, reopen,
cancel, assign. Each transition takes the row lock and checks its guard first."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from citizens.normalise import postcode_normalise
from core.sequences import sequence_next
from notifications.services import messages_enqueue_many
from places.selectors import place_resolve
from places.validation import LOCATION_NEEDED, coordinates_clean, uprn_clean, usrn_clean
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
    citizen_messages_build,
    message_audiences,
    message_context,
    stage_actions_fire,
)
from requests_tracking.services.dates import (
    request_breach_record,
    request_dates_refresh,
    request_due_initial,
    request_next_check_refresh,
    request_overall_breach_check,
    request_pause_end,
)
from requests_tracking.services.guards import (
    ExpectedState,
    S,
    neighbour_stage,
    request_locked,
    transition_guard,
)
from requests_tracking.services.records import request_audit, request_save
from requests_tracking.signals import (
    request_assigned,
    request_created,
    request_stage_changed,
    request_status_changed,
)
from requests_tracking.working_time import working_seconds_between


def _enter_stage(*, actor, service_request, stage, now, new_request=False):
    """A fresh stay with the stage's own SLA. The overall target does not move: a request
    already past it stays breached (and one that just passed it is recorded so). The dates are
    set before the stage's actions fire, so their messages carry them."""
    visit = StageVisit(request=service_request, stage=stage, entered_at=now, entered_by=actor)
    visit.due_at = sla.checkpoint_at(visit, stage, 1.0)
    visit.save()
    service_request.current_stage = stage
    service_request.current_visit = visit
    service_request.waiting_since = None
    if service_request.due_at is None:
        service_request.due_at = request_due_initial(service_request)
    service_request.sla_state = Request.SlaState.ON_TRACK
    request_overall_breach_check(service_request, now)
    request_dates_refresh(service_request, now)
    # The stage's actions are read once, for the sweep's next check and for those that fire
    # on entering; a visit made a moment ago has fired nothing.
    actions = list(stage.actions.filter(active=True).select_related("template", "stage"))
    request_next_check_refresh(service_request, actions=actions, fired=set())
    stage_actions_fire(
        actor=actor,
        service_request=service_request,
        visit=visit,
        trigger=StageAction.Trigger.ENTER,
        actions=actions,
        fresh_visit=True,
        new_request=new_request,
    )
    return visit


def _leave_stage(*, actor, service_request, now, exit):
    request_pause_end(service_request, now)
    visit = service_request.current_visit
    if visit is None:
        return None
    visit.left_at = now
    visit.left_by = actor
    visit.exit = exit
    visit.working_seconds = max(
        working_seconds_between(visit.entered_at, now) - (visit.paused_seconds or 0), 0
    )
    visit.sla_met = now <= visit.due_at
    if not visit.sla_met:
        request_breach_record(service_request, visit.due_at)
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
    usrn: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    team=None,
    assigned_to=None,
    service_area=None,
    now=None,
) -> Request:
    """Raise a request. A place-based process needs a location (address, street or point);
    a UPRN or street without a point gets the gazetteer's, so the report is found nearby."""
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
    uprn, usrn, latitude, longitude = _place_checked(
        process=process,
        address_line_1=address_line_1,
        uprn=uprn,
        usrn=usrn,
        latitude=latitude,
        longitude=longitude,
    )
    if process.place_based or uprn or usrn:
        place = place_resolve(
            uprn=uprn, usrn=usrn, latitude=latitude, longitude=longitude, postcode=postcode
        )
        usrn = place.usrn
        if place.point_source in ("given", "address", "street"):
            latitude, longitude = place.latitude, place.longitude
    service_request = Request(
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
        usrn=usrn,
        latitude=latitude,
        longitude=longitude,
        # A form's rules may send the request to another service area than the process's.
        service_area_id=service_area.pk if service_area else process.service_area_id,
        team_id=team.pk if team else process.default_team_id,
        assigned_to=assigned_to,
        created_by=actor,
    )
    service_request._stages_cache = stages
    service_request.save()
    # created_at is set by the database clock; SLAs start from `now` for testability.
    _enter_stage(
        actor=actor, service_request=service_request, stage=stages[0], now=now, new_request=True
    )
    request_save(service_request)
    request_created.send(sender=Request, instance=service_request, actor=actor, stage=stages[0])
    request_audit(actor, service_request, "created")
    return service_request


def _place_checked(*, process, address_line_1, uprn, usrn, latitude, longitude):
    """The place's references checked (any caller: screens, API, Open311, forms)."""
    errors = {}
    try:
        uprn = uprn_clean(uprn)
    except ValidationError as exc:
        errors["uprn"] = exc.messages
    try:
        usrn = usrn_clean(usrn)
    except ValidationError as exc:
        errors["usrn"] = exc.messages
    try:
        latitude, longitude = coordinates_clean(latitude, longitude)
    except ValidationError as exc:
        errors["latitude"] = exc.messages
    if errors:
        raise ValidationError(errors)
    has_point = latitude is not None
    if process.place_based and not (address_line_1.strip() or uprn or usrn or has_point):
        raise ValidationError({"address_line_1": LOCATION_NEEDED})
    return uprn, usrn, latitude, longitude


# --- Case work ------------------------------------------------------------------------------


def _move(*, actor, service_request, step, now, expected):
    service_request = request_locked(service_request, expected)
    transition_guard(service_request, "advance" if step > 0 else "back")
    target = neighbour_stage(service_request, step)
    from_stage = service_request.current_stage
    _leave_stage(
        actor=actor,
        service_request=service_request,
        now=now,
        exit=StageVisit.Exit.ADVANCED if step > 0 else StageVisit.Exit.BACK,
    )
    _enter_stage(actor=actor, service_request=service_request, stage=target, now=now)
    request_save(service_request)
    request_stage_changed.send(
        sender=Request,
        instance=service_request,
        actor=actor,
        from_stage=from_stage,
        to_stage=target,
        direction="forward" if step > 0 else "back",
    )
    request_audit(actor, service_request, "stage", stage=target.name)
    return service_request


@transaction.atomic
def request_advance(
    *, actor, service_request: Request, expected: ExpectedState | None = None, now=None
) -> Request:
    """Move to the next stage."""
    return _move(
        actor=actor,
        service_request=service_request,
        step=1,
        now=now or timezone.now(),
        expected=expected,
    )


@transaction.atomic
def request_move_back(
    *, actor, service_request: Request, expected: ExpectedState | None = None, now=None
) -> Request:
    """Move back to the previous stage (a fresh stay, with a fresh SLA)."""
    return _move(
        actor=actor,
        service_request=service_request,
        step=-1,
        now=now or timezone.now(),
        expected=expected,
    )


def _status_changed(actor, service_request, change, reason=""):
    request_status_changed.send(
        sender=Request, instance=service_request, actor=actor, change=change, reason=reason
    )
    request_audit(actor, service_request, change, reason=reason)


def _reason_required(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": f"Enter the reason {what}."})
    return reason


@transaction.atomic
def request_hold(
    *,
    actor,
    service_request: Request,
    reason: str,
    expected: ExpectedState | None = None,
    now=None,
) -> Request:
    now = now or timezone.now()
    reason = _reason_required(reason, "for putting the request on hold")
    service_request = request_locked(service_request, expected)
    transition_guard(service_request, "hold")
    request_pause_end(
        service_request, now
    )  # a hold ends any wait for the citizen; the SLA clock runs on hold
    service_request.status = S.ON_HOLD
    service_request.status_reason = reason
    request_next_check_refresh(service_request)
    request_save(service_request)
    _status_changed(actor, service_request, "on_hold", reason)
    return service_request


@transaction.atomic
def request_resume(
    *, actor, service_request: Request, expected: ExpectedState | None = None, now=None
) -> Request:
    service_request = request_locked(service_request, expected)
    transition_guard(service_request, "resume")
    service_request.status = S.OPEN
    service_request.status_reason = ""
    request_next_check_refresh(service_request)
    request_save(service_request)
    _status_changed(actor, service_request, "resumed")
    return service_request


@transaction.atomic
def request_resolve(
    *,
    actor,
    service_request: Request,
    resolution: str,
    expected: ExpectedState | None = None,
    now=None,
) -> Request:
    now = now or timezone.now()
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": "Enter what was done to resolve the request."})
    service_request = request_locked(service_request, expected)
    transition_guard(service_request, "resolve")
    visit = _leave_stage(
        actor=actor, service_request=service_request, now=now, exit=StageVisit.Exit.RESOLVED
    )
    service_request.status = S.RESOLVED
    service_request.resolution = resolution
    service_request.resolved_at = now
    service_request.status_reason = ""
    service_request.estimated_completion_at = now
    service_request.next_check_at = None
    request_save(service_request)
    stage_actions_fire(
        actor=actor,
        service_request=service_request,
        visit=visit,
        trigger=StageAction.Trigger.RESOLVE,
    )
    _status_changed(actor, service_request, "resolved", resolution)
    return service_request


@transaction.atomic
def request_close(
    *,
    actor,
    service_request: Request,
    automatic: bool = False,
    expected: ExpectedState | None = None,
    now=None,
) -> Request:
    now = now or timezone.now()
    service_request = request_locked(service_request, expected)
    transition_guard(service_request, "close")
    service_request.status = S.CLOSED
    service_request.closed_at = now
    request_save(service_request)
    if automatic:
        template = service_request.process.closure_template
        messages = citizen_messages_build(
            service_request=service_request,
            audience=message_audiences([service_request])[service_request.pk],
            subject=template.subject if template else AUTO_CLOSE_SUBJECT,
            body=template.body if template else AUTO_CLOSE_BODY,
            sms_body=template.sms_body if template else "",
            event_key=f"request:{service_request.pk}:closed:{int(now.timestamp())}",
            event="Closed automatically",
            context=message_context(service_request),
        )
        messages_enqueue_many(actor=actor, messages=messages)
    _status_changed(actor, service_request, "closed", "Closed automatically" if automatic else "")
    return service_request


@transaction.atomic
def request_reopen(
    *,
    actor,
    service_request: Request,
    reason: str,
    expected: ExpectedState | None = None,
    now=None,
) -> Request:
    now = now or timezone.now()
    reason = _reason_required(reason, "for reopening the request")
    service_request = request_locked(service_request, expected)
    transition_guard(service_request, "reopen")
    service_request.status = S.OPEN
    service_request.resolved_at = None
    service_request.closed_at = None
    service_request.status_reason = reason
    _enter_stage(
        actor=actor, service_request=service_request, stage=service_request.current_stage, now=now
    )
    request_save(service_request)
    _status_changed(actor, service_request, "reopened", reason)
    return service_request


@transaction.atomic
def request_cancel(
    *,
    actor,
    service_request: Request,
    reason: str,
    expected: ExpectedState | None = None,
    now=None,
) -> Request:
    now = now or timezone.now()
    reason = _reason_required(reason, "for cancelling the request")
    service_request = request_locked(service_request, expected)
    transition_guard(service_request, "cancel")
    _leave_stage(
        actor=actor, service_request=service_request, now=now, exit=StageVisit.Exit.CANCELLED
    )
    service_request.status = S.CANCELLED
    service_request.status_reason = reason
    service_request.next_check_at = None
    service_request.estimated_completion_at = None
    request_save(service_request)
    _status_changed(actor, service_request, "cancelled", reason)
    return service_request


@transaction.atomic
def request_assign(
    *,
    actor,
    service_request: Request,
    team=None,
    assigned_to=None,
    expected: ExpectedState | None = None,
) -> Request:
    service_request = request_locked(service_request, expected)
    transition_guard(service_request, "assign")
    if team is not None and team.service_area_id != service_request.service_area_id:
        raise ValidationError({"team": "Choose a team of this request's service area."})
    service_request.team = team
    service_request.assigned_to = assigned_to
    service_request.version += 1
    service_request.save(update_fields=["team", "assigned_to", "version", "updated_at"])
    request_assigned.send(
        sender=Request, instance=service_request, actor=actor, team=team, assigned_to=assigned_to
    )
    request_audit(
        actor,
        service_request,
        "assigned",
        team=str(team or ""),
        assigned_to=str(assigned_to or ""),
    )
    return service_request


@transaction.atomic
def request_due_change(
    *,
    actor,
    service_request: Request,
    due_at,
    reason: str,
    expected: ExpectedState | None = None,
    now=None,
) -> Request:
    """Agree a new overall target, with the reason (audited). A breach that already happened
    stays recorded (`breached_at`); the request is breached again if the new date has passed."""
    now = now or timezone.now()
    reason = _reason_required(reason, "for changing the due date")
    service_request = request_locked(service_request, expected)
    transition_guard(service_request, "change_due")
    if due_at is None:
        raise ValidationError({"due_at": "Enter the new due date."})
    old = service_request.due_at
    service_request.due_at = due_at
    service_request.overall_breached_at = None
    visit = service_request.current_visit
    stage_late = visit is not None and visit.due_at <= now
    service_request.sla_state = (
        Request.SlaState.BREACHED if stage_late else Request.SlaState.ON_TRACK
    )
    request_overall_breach_check(service_request, now)
    request_next_check_refresh(service_request)
    request_save(service_request)
    tz = timezone.get_current_timezone()
    change = (
        f"due date changed from {timezone.localtime(old, tz):%d/%m/%Y} "
        f"to {timezone.localtime(due_at, tz):%d/%m/%Y}"
        if old
        else f"due date set to {timezone.localtime(due_at, tz):%d/%m/%Y}"
    )
    _status_changed(actor, service_request, "due_changed", f"{change}: {reason}")
    return service_request


@transaction.atomic
def requests_citizen_from_contact(*, actor, contact, citizen) -> int:
    """An anonymous caller said who they are: the requests raised during their contact with
    no citizen become theirs (audited). Returns how many."""
    raised = list(
        Request.objects.select_for_update(of=("self",)).filter(
            originating_contact=contact, citizen__isnull=True
        )
    )
    for service_request in raised:
        service_request.citizen = citizen
        service_request.save(update_fields=["citizen", "updated_at"])
        request_audit(actor, service_request, "citizen_attached", citizen=citizen.reference)
    return len(raised)
