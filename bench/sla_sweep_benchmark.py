"""Time one SLA sweep over 1,000,000 open requests on PostgreSQL, a share of them due.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench_requests \
    REDIS_URL=redis://127.0.0.1:6379/5 \
        .venv/bin/python bench/sla_sweep_benchmark.py [--requests 1000000] [--due-share 0.01]
        [--runs 3] [--rebuild]

Rows are inserted directly with generate_series (no services); a database that already holds
the same number of benchmark requests is reused, with the due share put back as it was.

What is timed: `requests_sla_sweep()` from its first query to its return — claiming due
requests (FOR UPDATE SKIP LOCKED on the partial index of next_check_at), marking them at risk
and breached, recording the firings, writing the breach action's messages to the outbox and
committing, batch by batch — and, with REDIS_URL set, publishing one `send_messages` task per
batch to Redis after each commit, as in production. No worker runs, so nothing is sent: sending
is the worker's job (the published tasks are purged afterwards). Without REDIS_URL tasks would
run eagerly, so the hand-over is replaced by a counter and the figure excludes the publish.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crm_bench_requests")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

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


def existing(n):
    from requests_tracking.models import Request

    return Request.objects.filter(reference__startswith="BENCH-").count() == n


def one_run(due, publish):
    from notifications.models import Message
    from requests_tracking.models import Request
    from requests_tracking.services import requests_sla_sweep

    published.clear()
    load = os.getloadavg()
    started, cpu = time.monotonic(), time.process_time()
    queries = []
    with connection.execute_wrapper(lambda execute, *a: queries.append(1) or execute(*a)):
        swept = requests_sla_sweep()
    elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
    started = time.monotonic()
    again = requests_sla_sweep()
    idle = time.monotonic() - started
    pending = Message.objects.filter(status=Message.Status.PENDING).count()
    print(
        f"  load {load[0]:.1f}/{load[1]:.1f}: {swept:,} due handled in {elapsed:.2f}s "
        f"({swept / elapsed:,.0f} requests/s; this process's CPU {cpu:.2f}s; "
        f"{len(queries)} queries); {len(published)} hand-over(s) of "
        f"{sum(published):,} message ids ({publish}); messages still pending: {pending:,}; "
        f"breached: {Request.objects.filter(sla_state='breached').count():,}; "
        f"the sweep straight after: {again} due in {idle * 1000:.0f} ms"
    )
    assert swept == due
    assert again == 0
    return elapsed, idle


published: list[int] = []


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--due-share", type=float, default=0.01)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--rebuild", action="store_true", help="Insert the rows again even if they are there."
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run this against PostgreSQL (set DATABASE_URL).")
    ensure_database()
    call_command("migrate", verbosity=0)
    if args.rebuild or not existing(args.requests):
        build(args.requests, args.due_share)
    else:
        print(f"Reusing the {args.requests:,} benchmark requests already in the database")

    from celery import current_app

    import notifications.services as outbox

    real_dispatch = outbox._dispatch
    if current_app.conf.task_always_eager:
        publish = "not published: no REDIS_URL, so the hand-over is only counted"
        outbox._dispatch = lambda ids: published.append(len(ids))
    else:
        publish = f"published to {current_app.conf.broker_url}"

        def counted(ids):
            published.append(len(ids))
            real_dispatch(ids)

        outbox._dispatch = counted

    with connection.cursor() as cur:
        cur.execute(
            "EXPLAIN SELECT id FROM requests_tracking_request WHERE next_check_at <= now() "
            "AND status IN ('open','waiting','on_hold') ORDER BY next_check_at LIMIT 500 "
            "FOR UPDATE SKIP LOCKED"
        )
        plan = "\n".join(row[0] for row in cur.fetchall())
    print(plan)
    print(
        f"One SLA sweep over {args.requests:,} open requests, {args.due_share:.0%} due "
        f"(each: at risk, breached, breach action -> one email to the team):"
    )
    times, idles = [], []
    for _ in range(args.runs):
        due = reset(args.requests, args.due_share)
        elapsed, idle = one_run(due, publish)
        times.append(elapsed)
        idles.append(idle)
        if not current_app.conf.task_always_eager:
            current_app.control.purge()  # no worker here: drop the published tasks
    times.sort()
    idles.sort()
    print(
        f"Median of {args.runs}: {times[len(times) // 2]:.2f}s for the due share; "
        f"{idles[len(idles) // 2] * 1000:.0f} ms for a sweep with nothing due"
    )


if __name__ == "__main__":
    main()
