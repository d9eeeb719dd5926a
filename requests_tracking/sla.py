"""SLA checkpoints of a stage visit: when each share of the stage's SLA is reached.

A checkpoint is (share of the SLA, key, action or None). The keys "at_risk" and "breach" set the
request's SLA state; "action:<id>" fire a stage's timed actions. Times count working time from
entering the stage, plus any time the clock stood still waiting for the citizen.
"""

from datetime import datetime

from requests_tracking.models import StageAction
from requests_tracking.working_time import add_working_seconds, sla_seconds

AT_RISK_SHARE = 0.8


def stage_sla_seconds(stage) -> int:
    return sla_seconds(amount=stage.sla_amount, unit=stage.sla_unit)


def checkpoint_at(visit, stage, share: float) -> datetime:
    return add_working_seconds(
        visit.entered_at, share * stage_sla_seconds(stage) + (visit.paused_seconds or 0)
    )


def checkpoints(stage, actions) -> list[tuple[float, str, StageAction | None]]:
    points = [(AT_RISK_SHARE, "at_risk", None), (1.0, "breach", None)]
    for action in actions:
        if action.trigger == StageAction.Trigger.SHARE and action.share_percent:
            points.append((min(action.share_percent, 100) / 100, f"action:{action.pk}", action))
        elif action.trigger == StageAction.Trigger.BREACH:
            points.append((1.0, f"action:{action.pk}", action))
    return sorted(points, key=lambda p: p[0])


def next_check(visit, stage, actions, fired: set[str]) -> datetime | None:
    """When the earliest checkpoint not yet fired falls due (None when all have fired)."""
    pending = [share for share, key, _ in checkpoints(stage, actions) if key not in fired]
    return checkpoint_at(visit, stage, min(pending)) if pending else None
