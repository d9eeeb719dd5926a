"""The one way the staff pages and the API run a request's transitions.

`TRANSITION_TABLE` names each transition once: the service that does it, what it takes from
the caller's input, who may run it and what to say when it is done. `transition_run` checks
the member of staff may, then calls the service with the state the caller saw
(`ExpectedState`); the service checks that state under the request's row lock, so a stale
page, a double click or a second API client changes nothing (`RequestMovedOn`).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError

from requests_tracking import selectors
from requests_tracking.models import Request
from requests_tracking.services.casework import (
    request_citizen_reply,
    request_information_request,
)
from requests_tracking.services.guards import ExpectedState
from requests_tracking.services.lifecycle import (
    request_advance,
    request_assign,
    request_cancel,
    request_close,
    request_due_change,
    request_hold,
    request_move_back,
    request_reopen,
    request_resolve,
    request_resume,
)


@dataclass(frozen=True)
class Transition:
    name: str
    service: Callable
    # The service's own keyword arguments, taken from the caller's cleaned input.
    arguments: Callable[[dict], dict]
    done: str
    # A permission that lets front-line staff run it on any request (taking a citizen's reply
    # on the phone); without one, only those who work the request's service area may.
    permission: str | None = None


def _none(data):
    return {}


TRANSITION_TABLE: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition("advance", request_advance, _none, "Moved to the next stage."),
        Transition("back", request_move_back, _none, "Moved back to the previous stage."),
        Transition(
            "hold",
            request_hold,
            lambda d: {"reason": d.get("reason", "")},
            "The request is on hold.",
        ),
        Transition("resume", request_resume, _none, "The request is off hold."),
        Transition(
            "request_information",
            request_information_request,
            lambda d: {"question": d.get("question", "")},
            "The citizen has been asked for the information.",
        ),
        Transition(
            "citizen_reply",
            request_citizen_reply,
            lambda d: {"text": d.get("text", "")},
            "The citizen's reply is recorded and the clock has restarted.",
            permission="requests_tracking.add_requestnote",
        ),
        Transition(
            "resolve",
            request_resolve,
            lambda d: {"resolution": d.get("resolution", "")},
            "The request is resolved.",
        ),
        Transition("close", request_close, _none, "The request is closed."),
        Transition(
            "reopen",
            request_reopen,
            lambda d: {"reason": d.get("reason", "")},
            "The request is reopened.",
        ),
        Transition(
            "cancel",
            request_cancel,
            lambda d: {"reason": d.get("reason", "")},
            "The request is cancelled.",
        ),
        Transition(
            "assign",
            request_assign,
            lambda d: {"team": d.get("team"), "assigned_to": d.get("assigned_to")},
            "Assignment saved.",
        ),
        Transition(
            "change_due",
            request_due_change,
            lambda d: {"due_at": d.get("due_at"), "reason": d.get("reason", "")},
            "The due date is changed.",
        ),
    ]
}


def transition_forbidden(*, staff, service_request: Request, name: str) -> str | None:
    """Why this member of staff may not run `name` on this request (plain words), or None."""
    transition = TRANSITION_TABLE[name]
    if transition.permission is not None:
        if staff.has_perm(transition.permission):
            return None
        return "You do not have permission to do this."
    return selectors.request_work_refusal(staff=staff, service_request=service_request)


def expected_state_from(data) -> ExpectedState:
    """The state a page or client says it saw: `expected_stage` (a stage id),
    `expected_status` and `expected_version`, each optional. Raises ValidationError (plain
    words per field) for values that cannot be one."""
    errors = {}
    values = {}
    for field, key in (("expected_stage", "stage_id"), ("expected_version", "version")):
        raw = data.get(field)
        if raw in (None, ""):
            continue
        if isinstance(raw, bool):
            errors[field] = "Enter a whole number."
            continue
        try:
            values[key] = int(str(raw))
        except ValueError:
            errors[field] = "Enter a whole number."
    status = data.get("expected_status")
    if status not in (None, ""):
        if status in Request.Status.values:
            values["status"] = status
        else:
            errors["expected_status"] = f"Enter one of: {', '.join(Request.Status.values)}."
    if errors:
        raise ValidationError(errors)
    return ExpectedState(**values)


def transition_run(
    *, actor, service_request: Request, name: str, data=None, expected=None, now=None
):
    """Run the transition `name` for `actor` (PermissionDenied when they may not; the
    service raises TransitionRefused/RequestMovedOn or ValidationError, in plain words)."""
    if name not in TRANSITION_TABLE:
        raise ValueError(f"Unknown transition {name!r}")
    refusal = transition_forbidden(staff=actor, service_request=service_request, name=name)
    if refusal:
        raise PermissionDenied(refusal)
    transition = TRANSITION_TABLE[name]
    kwargs = transition.arguments(data or {})
    if now is not None:
        kwargs["now"] = now
    return transition.service(
        actor=actor, service_request=service_request, expected=expected, **kwargs
    )
