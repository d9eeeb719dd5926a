"""Writes of requests_tracking: raising requests, case work transitions, SLA sweeps.

Every transition checks its guard (see `transition_refusal`) and raises TransitionRefused with a
plain message when the request's state does not allow it; views show it, the API answers 409.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Avg, Count, prefetch_related_objects
from django.utils import timezone

from audit.services import audit_record
from citizens.models import EmailAddress, PhoneNumber
from citizens.normalise import postcode_normalise
from core.sequences import sequence_next
from notifications.services import OutgoingMessage, messages_enqueue_many, template_render
from requests_tracking import sla
from requests_tracking.models import (
    ActionFiring,
    Evidence,
    Process,
    Request,
    RequestNote,
    Stage,
    StageAction,
    StageVisit,
)
from requests_tracking.signals import (
    SlaChange,
    request_assigned,
    request_citizen_replied,
    request_created,
    request_evidence_added,
    request_information_requested,
    request_note_added,
    request_stage_changed,
    request_status_changed,
    requests_sla_changed,
)
from requests_tracking.working_time import add_working_seconds, working_seconds_between

S = Request.Status
# Completed stays of a stage needed before their average replaces the SLA in estimates.
ESTIMATE_MIN_SAMPLES = 3
ESTIMATE_LOOKBACK_DAYS = 365

INFO_REQUEST_SUBJECT = "We need more information about your request {{ reference }}"
INFO_REQUEST_BODY = (
    "Dear {{ citizen_name }},\n\nTo carry on with your request {{ reference }} ({{ process }}) "
    "we need more information from you:\n\n{{ note }}\n\nPlease reply through your online "
    "account or call us.\n\n{{ council_name }}"
)
AUTO_CLOSE_SUBJECT = "Your request {{ reference }} is closed"
AUTO_CLOSE_BODY = (
    "Dear {{ citizen_name }},\n\nYour request {{ reference }} ({{ process }}) was resolved and "
    "is now closed. If the problem is not fixed, contact us quoting {{ reference }}.\n\n"
    "{{ council_name }}"
)


class TransitionRefused(Exception):
    """The request's state does not allow this change; the message says why in plain words."""


# --- Guards ---------------------------------------------------------------------------------


def _stages(request) -> list[Stage]:
    cache = getattr(request, "_stages_cache", None)
    if cache is None:
        cache = list(request.process.stages.all())
        request._stages_cache = cache
    return cache


def _neighbour_stage(request, step: int) -> Stage | None:
    stages = _stages(request)
    ids = [s.pk for s in stages]
    if request.current_stage_id not in ids:
        return None
    index = ids.index(request.current_stage_id) + step
    return stages[index] if 0 <= index < len(stages) else None


def transition_refusal(request, action: str) -> str | None:
    """Why `action` is not allowed now, in plain words; None when it is allowed."""
    status = request.status
    label = request.get_status_display().lower()
    if action in ("advance", "back"):
        if status == S.ON_HOLD:
            return "This request is on hold. Take it off hold before moving it."
        if status == S.WAITING:
            return "This request is waiting for the citizen. Record their reply first."
        if status != S.OPEN:
            return f"This request is {label}, so it cannot change stage."
        if action == "advance" and _neighbour_stage(request, 1) is None:
            return "This is the last stage. Resolve the request instead."
        if action == "back" and _neighbour_stage(request, -1) is None:
            return "This is the first stage, so there is no stage to go back to."
        return None
    if action == "hold":
        if status == S.ON_HOLD:
            return "This request is already on hold."
        return None if status in (S.OPEN, S.WAITING) else f"A {label} request cannot be on hold."
    if action == "resume":
        return None if status == S.ON_HOLD else "Only a request on hold can be taken off hold."
    if action == "request_information":
        if request.citizen_id is None:
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
]


def transitions_allowed(request) -> set[str]:
    return {name for name in TRANSITIONS if transition_refusal(request, name) is None}


def _guard(request, action):
    refusal = transition_refusal(request, action)
    if refusal:
        raise TransitionRefused(refusal)


def _locked(request) -> Request:
    """Re-read the request under a row lock so concurrent changes queue up, not clash."""
    fresh = (
        Request.objects.select_for_update(of=("self",))
        .select_related("process", "current_stage", "current_visit", "citizen", "team")
        .get(pk=request.pk)
    )
    return fresh


# --- Messages -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reach:
    """How to reach one citizen: their preferred channel, emails and mobiles, best first."""

    citizen_id: int
    preferred_channel: str
    emails: tuple[str, ...]
    mobiles: tuple[str, ...]

    def address(self, channel: str) -> tuple[str, str] | None:
        """(channel, address) to reach them by, honouring their preference."""
        emails, mobiles = self.emails, self.mobiles
        if channel == StageAction.Channel.EMAIL:
            return ("email", emails[0]) if emails else None
        if channel == StageAction.Channel.SMS:
            return ("sms", mobiles[0]) if mobiles else None
        if self.preferred_channel == "sms" and mobiles:
            return ("sms", mobiles[0])
        if emails:
            return ("email", emails[0])
        if mobiles:
            return ("sms", mobiles[0])
        return None


def _audiences(requests) -> dict[int, list[Reach]]:
    """Per request id: its citizen, then anyone following it, with how to reach each.

    Three queries for any number of requests (followers, emails, mobiles).
    """
    requests = list(requests)
    if not requests:
        return {}
    preferred = {r.citizen_id: r.citizen.preferred_channel for r in requests if r.citizen_id}
    people = {r.pk: [r.citizen_id] if r.citizen_id else [] for r in requests}
    followers = (
        Request.followers.through.objects.filter(request_id__in=list(people))
        .order_by("citizen__last_name", "citizen__first_name", "citizen_id")
        .values_list("request_id", "citizen_id", "citizen__preferred_channel")
    )
    for request_id, citizen_id, channel in followers:
        if citizen_id not in people[request_id]:
            people[request_id].append(citizen_id)
            preferred[citizen_id] = channel
    if not preferred:
        return {pk: [] for pk in people}
    emails: dict[int, list[str]] = {}
    for citizen_id, email in EmailAddress.objects.filter(
        citizen_id__in=list(preferred)
    ).values_list("citizen_id", "email"):
        emails.setdefault(citizen_id, []).append(email)
    mobiles: dict[int, list[str]] = {}
    for citizen_id, number in PhoneNumber.objects.filter(
        citizen_id__in=list(preferred), kind=PhoneNumber.Kind.MOBILE
    ).values_list("citizen_id", "number"):
        mobiles.setdefault(citizen_id, []).append(number)
    reach = {
        pk: Reach(pk, channel or "", tuple(emails.get(pk, ())), tuple(mobiles.get(pk, ())))
        for pk, channel in preferred.items()
    }
    return {request_id: [reach[pk] for pk in ids] for request_id, ids in people.items()}


def _context(request, note: str = "") -> dict:
    stage = request.current_stage
    tz = timezone.get_current_timezone()

    def local(moment):
        return timezone.localtime(moment, tz)

    return {
        "reference": request.reference,
        "citizen_name": request.citizen.full_name if request.citizen_id else "resident",
        "process": request.process.name,
        "stage": stage.name if stage else "",
        "stage_description": stage.citizen_description if stage else "",
        "status": request.get_status_display(),
        "due_date": f"{local(request.due_at):%d/%m/%Y}" if request.due_at else "",
        "estimated_completion": f"{local(request.estimated_completion_at):%d/%m/%Y}"
        if request.estimated_completion_at
        else "",
        "council_name": settings.COUNCIL_NAME,
        "note": note,
    }


@dataclass(frozen=True)
class _Target:
    kind: str  # citizen, officer, team or contractor
    channel: str  # email or sms
    address: str
    citizen_id: int | None = None


def _messages_to(*, request, targets, texts, event_key, event) -> list[OutgoingMessage]:
    """One outbox message per target. `texts()` renders (subject, body, sms_body) when needed."""
    if not targets:
        return []
    subject, body, sms_body = texts()
    return [
        OutgoingMessage.about(
            request,
            channel=t.channel,
            recipient=t.address,
            recipient_kind=t.kind,
            subject=subject,
            body=sms_body if t.channel == "sms" and sms_body else body,
            idempotency_key=f"{event_key}:{t.channel}:{t.address}",
            citizen_id=t.citizen_id,
            event=event,
        )
        for t in targets
    ]


def _citizen_targets(audience: list[Reach]) -> list[_Target]:
    targets = []
    for reach in audience:
        found = reach.address(StageAction.Channel.PREFERRED)
        if found:
            targets.append(_Target("citizen", *found, citizen_id=reach.citizen_id))
    return targets


def _citizen_messages(
    *, request, audience, subject, body, sms_body, event_key, event, context
) -> list[OutgoingMessage]:
    """Messages to the citizen and anyone following the request, each by their preference."""

    def texts():
        return (
            template_render(text=subject, context=context),
            template_render(text=body, context=context),
            template_render(text=sms_body, context=context) if sms_body else "",
        )

    return _messages_to(
        request=request,
        targets=_citizen_targets(audience),
        texts=texts,
        event_key=event_key,
        event=event,
    )


def _action_messages(
    *, request, visit, action: StageAction, audience: list[Reach], note: str = ""
) -> tuple[list[OutgoingMessage], str]:
    """The messages one stage action sends, and a short outcome for the record.

    `audience` is the request's entry of `_audiences` (only read for citizen actions). The
    template is rendered once, and only when there is someone to send to.
    """
    preferred = action.channel == StageAction.Channel.PREFERRED
    targets: list[_Target] = []
    if action.recipient == StageAction.Recipient.CITIZEN:
        if preferred:
            targets = _citizen_targets(audience)
        elif request.citizen_id:
            own = next((r for r in audience if r.citizen_id == request.citizen_id), None)
            found = own.address(action.channel) if own else None
            if found:
                targets.append(_Target("citizen", *found, citizen_id=request.citizen_id))
    elif action.recipient == StageAction.Recipient.OFFICER:
        if request.assigned_to_id and request.assigned_to.email:
            targets.append(_Target("officer", "email", request.assigned_to.email))
    elif action.recipient == StageAction.Recipient.TEAM:
        if request.team_id and request.team.email:
            targets.append(_Target("team", "email", request.team.email))
    elif action.contractor_email:
        targets.append(_Target("contractor", "email", action.contractor_email))

    def texts():
        template = action.template
        context = _context(request, note)
        needs_sms = template.sms_body and any(t.channel == "sms" for t in targets)
        return (
            template_render(text=template.subject, context=context),
            template_render(text=template.body, context=context),
            template_render(text=template.sms_body, context=context) if needs_sms else "",
        )

    messages = _messages_to(
        request=request,
        targets=targets,
        texts=texts,
        event_key=f"request:{request.pk}:visit:{visit.pk}:action:{action.pk}",
        event=f"{action.get_trigger_display()} – {action.stage.name}",
    )
    if preferred and action.recipient == StageAction.Recipient.CITIZEN:
        outcome = (
            f"{len(messages)} message(s) to the citizen" if messages else "citizen has no details"
        )
    else:
        outcome = f"{len(messages)} message(s) queued" if messages else "nobody to send to"
    return messages, outcome[:200]


def _fire_event_actions(*, actor, request, visit, trigger: str):
    """Fire the stage's actions for an event (entering, resolving) once per stage visit."""
    actions = list(
        StageAction.objects.filter(
            stage_id=visit.stage_id, active=True, trigger=trigger
        ).select_related("template", "stage")
    )
    if not actions:
        return
    fired = set(
        ActionFiring.objects.filter(
            visit=visit, key__in=[f"action:{a.pk}" for a in actions]
        ).values_list("key", flat=True)
    )
    actions = [a for a in actions if f"action:{a.pk}" not in fired]
    needs_people = any(a.recipient == StageAction.Recipient.CITIZEN for a in actions)
    audience = _audiences([request]).get(request.pk, []) if needs_people else []
    messages, firings = [], []
    for action in actions:
        batch, outcome = _action_messages(
            request=request, visit=visit, action=action, audience=audience
        )
        messages += batch
        firings.append(ActionFiring(visit=visit, key=f"action:{action.pk}", outcome=outcome))
    ActionFiring.objects.bulk_create(firings)
    messages_enqueue_many(actor=actor, messages=messages)


# --- Dates ------------------------------------------------------------------------------------


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


def _dates_refresh(request, now):
    """Overall due date and estimated completion from the current stage and those after it."""
    visit = request.current_visit
    stages = _stages(request)
    if visit is None or request.current_stage_id is None:
        return
    later = [s for s in stages if s.order > request.current_stage.order]
    request.due_at = add_working_seconds(
        visit.due_at, sum(sla.stage_sla_seconds(s) for s in later)
    )
    expected = stage_expected_seconds(request.process)
    current = request.current_stage
    elapsed = working_seconds_between(visit.entered_at, now) - (visit.paused_seconds or 0)
    remaining_here = max(
        expected.get(current.order, sla.stage_sla_seconds(current)) - max(elapsed, 0), 0
    )
    remaining_later = sum(expected.get(s.order, sla.stage_sla_seconds(s)) for s in later)
    request.estimated_completion_at = add_working_seconds(now, remaining_here + remaining_later)


def _pause_seconds_so_far(request, now) -> float:
    if request.waiting_since and request.current_stage.pauses_while_waiting:
        return working_seconds_between(request.waiting_since, now)
    return 0.0


def _pause_end(request, now):
    """The citizen answered (or the wait ended another way): restart a stopped clock."""
    if request.waiting_since is None:
        return
    visit = request.current_visit
    paused = _pause_seconds_so_far(request, now)
    request.waiting_since = None
    if visit is not None and paused:
        visit.paused_seconds = (visit.paused_seconds or 0) + paused
        visit.due_at = sla.checkpoint_at(visit, request.current_stage, 1.0)
        visit.save(update_fields=["paused_seconds", "due_at"])
    _next_check_refresh(request)


def _next_check_refresh(request):
    visit = request.current_visit
    if visit is None or request.status not in Request.LIVE_STATUSES:
        request.next_check_at = None
        return
    if request.waiting_since and request.current_stage.pauses_while_waiting:
        request.next_check_at = None  # the clock is stopped: nothing can fall due
        return
    fired = set(ActionFiring.objects.filter(visit=visit).values_list("key", flat=True))
    actions = [a for a in request.current_stage.actions.all() if a.active]
    request.next_check_at = sla.next_check(visit, request.current_stage, actions, fired)


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


def _save(request, *extra):
    fields = [
        "current_stage",
        "current_visit",
        "status",
        "sla_state",
        "due_at",
        "estimated_completion_at",
        "next_check_at",
        "waiting_since",
        "status_reason",
        "resolution",
        "resolved_at",
        "closed_at",
        "updated_at",
        *extra,
    ]
    request.save(update_fields=fields)


def _audit(actor, request, change, **detail):
    audit_record(
        actor=actor,
        action="change" if change != "created" else "create",
        obj=request,
        citizen=request.citizen,
        detail={"change": change, **detail},
    )


# --- Raising a request ------------------------------------------------------------------------


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
        service_area_id=process.service_area_id,
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


@transaction.atomic
def request_note_add(
    *, actor, request: Request, text: str, visible_to_citizen: bool = False
) -> RequestNote:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Enter the note."})
    note = RequestNote.objects.create(
        request=request, text=text, visible_to_citizen=visible_to_citizen, author=actor
    )
    request_note_added.send(sender=RequestNote, instance=note, actor=actor, request=request)
    _audit(actor, request, "note", visible_to_citizen=visible_to_citizen)
    return note


@transaction.atomic
def request_information_request(
    *, actor, request: Request, question: str, now=None
) -> RequestNote:
    """Ask the citizen for information: they are told, and the clock stops if the stage says."""
    now = now or timezone.now()
    question = (question or "").strip()
    if not question:
        raise ValidationError({"question": "Enter what you need from the citizen."})
    request = _locked(request)
    _guard(request, "request_information")
    note = RequestNote.objects.create(
        request=request,
        kind=RequestNote.Kind.INFORMATION_REQUEST,
        text=question,
        visible_to_citizen=True,
        author=actor,
    )
    if request.status == S.OPEN:
        request.status = S.WAITING
        request.waiting_since = now
    _next_check_refresh(request)
    _save(request)
    messages = _citizen_messages(
        request=request,
        audience=_audiences([request])[request.pk],
        subject=INFO_REQUEST_SUBJECT,
        body=INFO_REQUEST_BODY,
        sms_body="",
        event_key=f"request:{request.pk}:question:{note.pk}",
        event="Information requested",
        context=_context(request, note=question),
    )
    messages_enqueue_many(actor=actor, messages=messages)
    request_information_requested.send(
        sender=RequestNote, instance=note, actor=actor, request=request
    )
    _audit(actor, request, "information_requested")
    return note


@transaction.atomic
def request_citizen_reply(*, actor=None, request: Request, text: str, now=None) -> RequestNote:
    """The citizen's answer (online, or taken by staff on the phone): the clock restarts."""
    now = now or timezone.now()
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Enter the citizen's reply."})
    request = _locked(request)
    _guard(request, "citizen_reply")
    note = RequestNote.objects.create(
        request=request,
        kind=RequestNote.Kind.CITIZEN_REPLY,
        text=text,
        visible_to_citizen=True,
        author=actor,
        from_citizen=True,
    )
    _pause_end(request, now)
    request.status = S.OPEN
    _next_check_refresh(request)
    _dates_refresh(request, now)
    _save(request)
    request_citizen_replied.send(sender=RequestNote, instance=note, actor=actor, request=request)
    _audit(actor, request, "citizen_replied")
    return note


@transaction.atomic
def request_evidence_add(
    *,
    actor,
    request: Request,
    upload,
    stored_name: str,
    original_name: str,
    content_type: str,
    description: str = "",
    visible_to_citizen: bool = False,
    from_citizen: bool = False,
) -> Evidence:
    """Store a file that the form has already checked (size and content)."""
    evidence = Evidence(
        request=request,
        stored_name=stored_name,
        original_name=original_name,
        content_type=content_type,
        size=upload.size,
        description=description,
        visible_to_citizen=visible_to_citizen,
        from_citizen=from_citizen,
        uploaded_by=actor,
    )
    evidence.file.save(stored_name, upload, save=False)
    evidence.save()
    request_evidence_added.send(sender=Evidence, instance=evidence, actor=actor, request=request)
    _audit(actor, request, "evidence", file=original_name)
    return evidence


@transaction.atomic
def request_follow(*, actor, request: Request, citizen) -> None:
    """A resident follows a request and is told of its progress like its reporter."""
    request.followers.add(citizen)
    _audit(actor, request, "followed", citizen=citizen.reference)


# --- Periodic jobs ----------------------------------------------------------------------------


def requests_sla_sweep(*, now=None, batch_size: int = 500) -> int:
    """Fire every SLA checkpoint that has fallen due, once; returns how many requests changed.

    Claims due requests with SELECT … FOR UPDATE SKIP LOCKED (on SQLite the IMMEDIATE
    transaction mode serialises writers), so two workers never fire the same checkpoint; the
    unique (visit, key) firing row is the backstop.
    """
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            batch = list(
                Request.objects.filter(next_check_at__lte=now, status__in=Request.LIVE_STATUSES)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("current_visit")
                .order_by("next_check_at")[:batch_size]
            )
            if not batch:
                return total
            _sweep_batch(batch, now)
            total += len(batch)


def _sweep_batch(batch, now):
    """Fire what is due for a batch of locked requests with a fixed number of queries.

    Reads the stages' actions, the firings so far and (for citizen actions) who to tell once
    for the batch; then writes the firings, the outbox messages and the requests' new SLA
    state in bulk, and sends one `requests_sla_changed` signal for the batch.
    """
    # One query per relation: each stage, process, team and officer is loaded once per batch.
    prefetch_related_objects(batch, "current_stage", "process", "citizen", "team", "assigned_to")
    stage_ids = {r.current_stage_id for r in batch}
    actions_by_stage: dict[int, list[StageAction]] = {sid: [] for sid in stage_ids}
    for action in StageAction.objects.filter(stage_id__in=stage_ids, active=True).select_related(
        "template", "stage"
    ):
        actions_by_stage[action.stage_id].append(action)
    fired: dict[int, set[str]] = {}
    for visit_id, key in ActionFiring.objects.filter(
        visit_id__in=[r.current_visit_id for r in batch if r.current_visit_id]
    ).values_list("visit_id", "key"):
        fired.setdefault(visit_id, set()).add(key)
    points_by_stage = {}

    new_firings: list[ActionFiring] = []
    due_actions: list[tuple[Request, StageVisit, StageAction, ActionFiring]] = []
    changes: list[SlaChange] = []
    for request in batch:
        visit, stage = request.current_visit, request.current_stage
        if visit is None:
            request.next_check_at = None
            continue
        done = fired.setdefault(visit.pk, set())
        actions = actions_by_stage.get(stage.pk, [])
        if stage.pk not in points_by_stage:
            points_by_stage[stage.pk] = sla.checkpoints(stage, actions)
        points = points_by_stage[stage.pk]
        times = {share: sla.checkpoint_at(visit, stage, share) for share in {p[0] for p in points}}
        for share, key, action in points:
            if key in done or times[share] > now:
                continue
            done.add(key)
            firing = ActionFiring(visit=visit, key=key)
            new_firings.append(firing)
            if key == "at_risk" and request.sla_state == Request.SlaState.ON_TRACK:
                request.sla_state = Request.SlaState.AT_RISK
                changes.append(SlaChange(request, "at_risk", stage))
            elif key == "breach":
                request.sla_state = Request.SlaState.BREACHED
                changes.append(SlaChange(request, "breached", stage))
            elif action is not None:
                due_actions.append((request, visit, action, firing))
        pending = [share for share, key, _ in points if key not in done]
        request.next_check_at = times[min(pending)] if pending else None

    audiences = _audiences(
        {
            request.pk: request
            for request, _, action, _ in due_actions
            if action.recipient == StageAction.Recipient.CITIZEN
        }.values()
    )
    messages: list[OutgoingMessage] = []
    for request, visit, action, firing in due_actions:
        batch_messages, firing.outcome = _action_messages(
            request=request, visit=visit, action=action, audience=audiences.get(request.pk, [])
        )
        messages += batch_messages
    ActionFiring.objects.bulk_create(new_firings)
    messages_enqueue_many(actor=None, messages=messages)
    _sla_fields_save(batch)
    if changes:
        requests_sla_changed.send(sender=Request, changes=changes, actor=None)


def _sla_fields_save(batch):
    """Store the swept requests' sla_state and next_check_at in one statement.

    On PostgreSQL the new values travel as arrays joined to the table (Django's bulk_update
    builds a CASE expression per row, whose Python side costs more than the update itself).
    """
    if connection.vendor != "postgresql":
        Request.objects.bulk_update(batch, ["sla_state", "next_check_at"])
        return
    table = Request._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table} AS r
            SET sla_state = v.sla_state, next_check_at = v.next_check_at
            FROM unnest(%s::bigint[], %s::varchar[], %s::timestamptz[])
                AS v(id, sla_state, next_check_at)
            WHERE r.id = v.id
            """,  # noqa: S608 -- the table name is the model's, values are parameters
            [
                [r.pk for r in batch],
                [r.sla_state for r in batch],
                [r.next_check_at for r in batch],
            ],
        )


def requests_auto_close(*, now=None, days: int | None = None, limit: int = 1000) -> int:
    """Close requests resolved more than REQUEST_AUTO_CLOSE_DAYS ago, telling the citizen."""
    now = now or timezone.now()
    days = settings.REQUEST_AUTO_CLOSE_DAYS if days is None else days
    cutoff = now - timedelta(days=days)
    closed = 0
    ids = list(
        Request.objects.filter(status=S.RESOLVED, resolved_at__lte=cutoff).values_list(
            "pk", flat=True
        )[:limit]
    )
    for pk in ids:
        with transaction.atomic():
            request = (
                Request.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk=pk, status=S.RESOLVED)
                .first()
            )
            if request is None:
                continue
            request_close(actor=None, request=request, automatic=True, now=now)
            closed += 1
    return closed
