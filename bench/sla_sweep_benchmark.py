"""Time one SLA sweep over 1,000,000 open requests on PostgreSQL, a share of them due.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench_requests \
        .venv/bin/python bench/sla_sweep_benchmark.py [--requests 1000000] [--due-share 0.01]

Rows are inserted directly with generate_series (no services), then one sweep claims every
request whose next SLA checkpoint has passed (FOR UPDATE SKIP LOCKED on the partial index of
next_check_at), marks it at risk or breached and fires the stage's breach action into the
outbox. Sending is left to the outbox sweep, as in production, so it is not timed here.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crm_bench_requests")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.pop("REDIS_URL", None)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402


def ensure_database():
    import psycopg

    name = connection.settings_dict["NAME"]
    params = {k: v for k, v in connection.get_connection_params().items() if k != "dbname"}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname=%s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')


def build(n, due_share):
    from notifications.models import Message
    from requests_tracking.models import ActionFiring, Request, StageAction, StageVisit
    from tests.factories import MessageTemplateFactory, ProcessFactory

    ActionFiring.objects.all().delete()
    Message.objects.all().delete()
    with connection.cursor() as cur:
        cur.execute("UPDATE requests_tracking_request SET current_visit_id = NULL")
    StageVisit.objects.all().delete()
    Request.objects.all().delete()
    process = ProcessFactory(stages=[("Inspect", 2, "days"), ("Repair", 5, "days")])
    stage = process.stages.get(order=1)
    StageAction.objects.create(
        stage=stage,
        trigger=StageAction.Trigger.BREACH,
        recipient=StageAction.Recipient.TEAM,
        template=MessageTemplateFactory(name="Bench breach"),
    )
    due = int(n * due_share)
    now = timezone.now()
    started = time.monotonic()
    with connection.cursor() as cur:
        # Due ones entered their stage 30 days ago (breached); the rest entered just now and
        # are next checked in a day or more.
        cur.execute(
            """
            INSERT INTO requests_tracking_request
              (reference, process_id, current_stage_id, status, sla_state, description,
               address_line_1, postcode, postcode_compact, uprn, service_area_id, team_id,
               due_at, estimated_completion_at, next_check_at, status_reason, resolution,
               created_at, updated_at)
            SELECT 'BENCH-' || g, %(process)s, %(stage)s, 'open', 'on_track', 'Benchmark',
                   '', '', '', '', %(area)s, %(team)s, %(now)s, %(now)s,
                   CASE WHEN g <= %(due)s THEN %(now)s - interval '29 days'
                        ELSE %(now)s + interval '1 day' + (g || ' seconds')::interval END,
                   '', '', %(now)s, %(now)s
            FROM generate_series(1, %(n)s) AS g
            """,
            {
                "process": process.pk,
                "stage": stage.pk,
                "area": process.service_area_id,
                "team": process.default_team_id,
                "now": now,
                "due": due,
                "n": n,
            },
        )
        cur.execute(
            """
            INSERT INTO requests_tracking_stagevisit
              (request_id, stage_id, entered_at, due_at, paused_seconds, exit)
            SELECT r.id, r.current_stage_id,
                   CASE WHEN r.next_check_at < %(now)s THEN %(now)s - interval '30 days'
                        ELSE %(now)s END,
                   r.due_at, 0, ''
            FROM requests_tracking_request r
            """,
            {"now": now},
        )
        cur.execute(
            """
            UPDATE requests_tracking_request r SET current_visit_id = v.id
            FROM requests_tracking_stagevisit v WHERE v.request_id = r.id
            """
        )
        cur.execute("ANALYZE requests_tracking_request")
        cur.execute("ANALYZE requests_tracking_stagevisit")
    print(f"Inserted {n:,} open requests ({due:,} due) in {time.monotonic() - started:.1f}s")
    return due


def reset(n, due_share):
    """Put the due share back as it was before the last sweep (rows kept)."""
    from notifications.models import Message
    from requests_tracking.models import ActionFiring

    due = int(n * due_share)
    ActionFiring.objects.all().delete()
    Message.objects.all().delete()
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE requests_tracking_request SET sla_state = 'on_track', "
            "next_check_at = now() - interval '29 days' WHERE reference IN "
            "(SELECT 'BENCH-' || g FROM generate_series(1, %s) AS g)",
            [due],
        )
    return due


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--due-share", type=float, default=0.01)
    parser.add_argument(
        "--reuse", action="store_true", help="Keep the rows of the last run; reset the due ones."
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run this against PostgreSQL (set DATABASE_URL).")
    ensure_database()
    call_command("migrate", verbosity=0)
    due = (
        reset(args.requests, args.due_share)
        if args.reuse
        else build(args.requests, args.due_share)
    )

    import notifications.services as outbox
    from notifications.models import Message
    from requests_tracking.models import Request
    from requests_tracking.services import requests_sla_sweep

    outbox._dispatch = lambda ids: None  # the outbox sweep sends; not part of this timing

    with connection.cursor() as cur:
        cur.execute(
            "EXPLAIN SELECT id FROM requests_tracking_request WHERE next_check_at <= now() "
            "AND status IN ('open','waiting','on_hold') ORDER BY next_check_at LIMIT 500 "
            "FOR UPDATE SKIP LOCKED"
        )
        plan = "\n".join(row[0] for row in cur.fetchall())
    print(plan)

    started = time.monotonic()
    swept = requests_sla_sweep()
    elapsed = time.monotonic() - started
    print(
        f"One SLA sweep over {args.requests:,} open requests: {swept:,} due handled "
        f"in {elapsed:.2f}s ({swept / elapsed:,.0f} requests/s)"
    )
    print(
        f"Breached now: {Request.objects.filter(sla_state='breached').count():,}; "
        f"messages queued: {Message.objects.count():,}"
    )
    started = time.monotonic()
    again = requests_sla_sweep()
    print(f"A second sweep straight after: {again} due, {time.monotonic() - started:.3f}s")
    assert swept == due


if __name__ == "__main__":
    main()
