"""Domain signals of requests_tracking, sent inside the service's transaction.

Every signal is sent with `sender=Request` (or RequestNote/Evidence), `instance=<object>` and
`actor=<Staff or None>`; extra keyword arguments are listed beside each.
"""

from typing import NamedTuple

from django.dispatch import Signal

request_created = Signal()  # instance=Request, stage (its first stage)
# instance=Request (its current_visit is the new stay), from_stage, to_stage, direction
request_stage_changed = Signal()
request_note_added = Signal()  # sender=RequestNote, instance=RequestNote, service_request
request_information_requested = (
    Signal()
)  # sender=RequestNote, instance=RequestNote, service_request
request_citizen_replied = Signal()  # sender=RequestNote, instance=RequestNote, service_request
# change: on_hold, resumed, resolved, closed, reopened, cancelled; reason
request_status_changed = Signal()
request_assigned = Signal()  # instance=Request, team, assigned_to
request_evidence_added = Signal()  # sender=Evidence, instance=Evidence, service_request
request_sla_changed = Signal()  # instance=Request, sla_state (at_risk or breached), stage
# The SLA sweep's batch form of request_sla_changed: changes=[SlaChange, ...] (no instance).
# The sweep sends only this one; a receiver that wants every SLA change connects to both.
requests_sla_changed = Signal()


class SlaChange(NamedTuple):
    request: object  # the Request
    sla_state: str  # at_risk or breached
    stage: object  # the Stage whose SLA it is
