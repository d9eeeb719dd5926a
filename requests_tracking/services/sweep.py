"""Periodic jobs: the SLA sweep (checkpoints that have fallen due, fired once) and closing
requests resolved long ago."""

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from notifications.services import OutgoingMessage, messages_enqueue_many
from requests_tracking import sla
from requests_tracking.models import (
    ActionFiring,
    Request,
    StageAction,
    StageVisit,
)
from requests_tracking.services.actions import action_messages_build, message_audiences
from requests_tracking.services.dates import (
    request_breach_record,
    request_overall_breach_check,
)
from requests_tracking.services.guards import S
from requests_tracking.services.lifecycle import request_close
from requests_tracking.signals import (
    SlaChange,
    requests_sla_changed,
)


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
            # Claim the rows alone, then read what they point at: a locking query's joined
            # rows can be older than the row it locked (READ COMMITTED re-checks that row only).
            claimed = list(
                Request.objects.filter(next_check_at__lte=now, status__in=Request.LIVE_STATUSES)
                .select_for_update(skip_locked=True)
                .order_by("next_check_at")
                .values_list("pk", flat=True)[:batch_size]
            )
            batch = list(
                Request.objects.filter(pk__in=claimed)
                .select_related("current_visit")
                .order_by("next_check_at")
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
    for service_request in batch:
        visit, stage = service_request.current_visit, service_request.current_stage
        if visit is None:
            service_request.next_check_at = None
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
            if key == "at_risk" and service_request.sla_state == Request.SlaState.ON_TRACK:
                service_request.sla_state = Request.SlaState.AT_RISK
                changes.append(SlaChange(service_request, "at_risk", stage))
            elif key == "breach":
                service_request.sla_state = Request.SlaState.BREACHED
                request_breach_record(service_request, times[share])
                changes.append(SlaChange(service_request, "breached", stage))
            elif action is not None:
                due_actions.append((service_request, visit, action, firing))
        already_breached = service_request.sla_state == Request.SlaState.BREACHED
        newly_missed = service_request.overall_breached_at is None and (
            request_overall_breach_check(service_request, now)
        )
        if newly_missed and not already_breached:
            changes.append(SlaChange(service_request, "breached", stage))
        pending = [times[share] for share, key, _ in points if key not in done]
        if service_request.overall_breached_at is None and service_request.due_at is not None:
            pending.append(service_request.due_at)
        service_request.next_check_at = min(pending) if pending else None

    audiences = message_audiences(
        {
            service_request.pk: service_request
            for service_request, _, action, _ in due_actions
            if action.recipient == StageAction.Recipient.CITIZEN
        }.values()
    )
    messages: list[OutgoingMessage] = []
    for service_request, visit, action, firing in due_actions:
        batch_messages, firing.outcome = action_messages_build(
            service_request=service_request,
            visit=visit,
            action=action,
            audience=audiences.get(service_request.pk, []),
        )
        messages += batch_messages
    ActionFiring.objects.bulk_create(new_firings)
    messages_enqueue_many(actor=None, messages=messages)
    _sla_fields_save(batch)
    if changes:
        requests_sla_changed.send(sender=Request, changes=changes, actor=None)


def _sla_fields_save(batch):
    """Store the swept requests' SLA state, next check and breach moments in one statement.

    On PostgreSQL the new values travel as arrays joined to the table (Django's bulk_update
    builds a CASE expression per row, whose Python side costs more than the update itself).
    """
    fields = ["sla_state", "next_check_at", "breached_at", "overall_breached_at"]
    if connection.vendor != "postgresql":
        Request.objects.bulk_update(batch, fields)
        return
    table = Request._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table} AS r
            SET sla_state = v.sla_state, next_check_at = v.next_check_at,
                breached_at = v.breached_at, overall_breached_at = v.overall_breached_at
            FROM unnest(
                %s::bigint[], %s::varchar[], %s::timestamptz[], %s::timestamptz[],
                %s::timestamptz[]
            ) AS v(id, sla_state, next_check_at, breached_at, overall_breached_at)
            WHERE r.id = v.id
            """,  # noqa: S608 -- the table name is the model's, values are parameters
            [
                [r.pk for r in batch],
                [r.sla_state for r in batch],
                [r.next_check_at for r in batch],
                [r.breached_at for r in batch],
                [r.overall_breached_at for r in batch],
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
            service_request = (
                Request.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk=pk, status=S.RESOLVED)
                .first()
            )
            if service_request is None:
                continue
            request_close(actor=None, service_request=service_request, automatic=True, now=now)
            closed += 1
    return closed
