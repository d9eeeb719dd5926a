"""Writes of requests_tracking: raising requests, case work transitions, SLA sweeps.

Every transition checks its guard (see `transition_refusal`) and raises TransitionRefused with a
plain message when the request's state does not allow it; views show it, the API answers 409.

The modules: `guards` (what a state allows, row locks, the state a caller expects),
`transitions` (the one dispatcher the pages and the API run transitions through),
`lifecycle` (create, stages, hold, resolve, close, reopen, cancel, assign), `casework` (notes,
information requests and replies, evidence), `followers` (the one way to follow a request:
confirmation, limits, stop links, moving on merge), `actions` (stage actions and their
messages), `dates` (due dates, estimates, the stopped clock), `sweep` (SLA sweep, auto-close)
and `records` (saving and auditing). Callers import from `requests_tracking.services`.
"""

from requests_tracking.services.actions import (
    AUTO_CLOSE_BODY,
    AUTO_CLOSE_SUBJECT,
    INFO_REQUEST_BODY,
    INFO_REQUEST_SUBJECT,
)
from requests_tracking.services.casework import (
    request_citizen_answer,
    request_citizen_reply,
    request_evidence_add,
    request_information_request,
    request_note_add,
)
from requests_tracking.services.dates import (
    ESTIMATE_LOOKBACK_DAYS,
    ESTIMATE_MIN_SAMPLES,
    OVERDUE_STAGE_SECONDS,
    requests_estimates_refresh,
    stage_expected_seconds,
)
from requests_tracking.services.duplicates import (
    request_follow_instead,
    request_new_despite_candidates,
)
from requests_tracking.services.followers import (
    CONFIRM_WITHIN,
    FOLLOWER_EMAILS_MAX,
    SIGNUPS_PER_ADDRESS_PER_DAY,
    FollowerLinkInvalid,
    SignUp,
    Stopped,
    follower_citizen_add,
    follower_confirm_deadline,
    follower_email_add,
    follower_email_confirm,
    follower_stop,
    followers_expire,
    followers_move,
)
from requests_tracking.services.guards import (
    TRANSITIONS,
    ExpectedState,
    RequestMovedOn,
    TransitionRefused,
    transition_refusal,
    transitions_allowed,
)
from requests_tracking.services.lifecycle import (
    request_advance,
    request_assign,
    request_cancel,
    request_close,
    request_create,
    request_due_change,
    request_hold,
    request_move_back,
    request_reopen,
    request_resolve,
    request_resume,
    requests_citizen_from_contact,
)
from requests_tracking.services.merging import (
    duplicate_refusal,
    request_duplicate_mark,
    request_duplicate_undo,
    undo_refusal,
)
from requests_tracking.services.sweep import requests_auto_close, requests_sla_sweep
from requests_tracking.services.transitions import (
    TRANSITION_TABLE,
    Transition,
    expected_state_from,
    transition_forbidden,
    transition_run,
)

__all__ = [
    "CONFIRM_WITHIN",
    "FOLLOWER_EMAILS_MAX",
    "SIGNUPS_PER_ADDRESS_PER_DAY",
    "FollowerLinkInvalid",
    "SignUp",
    "Stopped",
    "follower_citizen_add",
    "follower_confirm_deadline",
    "follower_email_add",
    "follower_email_confirm",
    "follower_stop",
    "followers_expire",
    "followers_move",
    "AUTO_CLOSE_BODY",
    "AUTO_CLOSE_SUBJECT",
    "ESTIMATE_LOOKBACK_DAYS",
    "ESTIMATE_MIN_SAMPLES",
    "INFO_REQUEST_BODY",
    "INFO_REQUEST_SUBJECT",
    "TRANSITIONS",
    "TRANSITION_TABLE",
    "ExpectedState",
    "RequestMovedOn",
    "Transition",
    "TransitionRefused",
    "expected_state_from",
    "transition_forbidden",
    "transition_run",
    "request_advance",
    "request_assign",
    "request_cancel",
    "request_citizen_answer",
    "request_citizen_reply",
    "request_close",
    "request_create",
    "request_due_change",
    "requests_citizen_from_contact",
    "request_evidence_add",
    "request_follow_instead",
    "request_duplicate_mark",
    "request_duplicate_undo",
    "duplicate_refusal",
    "undo_refusal",
    "request_new_despite_candidates",
    "request_hold",
    "request_information_request",
    "request_move_back",
    "request_note_add",
    "request_reopen",
    "request_resolve",
    "request_resume",
    "requests_auto_close",
    "requests_estimates_refresh",
    "OVERDUE_STAGE_SECONDS",
    "requests_sla_sweep",
    "stage_expected_seconds",
    "transition_refusal",
    "transitions_allowed",
]
