"""Change feed at size: page reads over a feed of 1,000,000 changes (default).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench \\
        .venv/bin/python bench/change_feed_benchmark.py --changes 1000000 --repeat 200

Fills (once) the feed with that many published changes, then times what
`GET /api/v1/changes/?since=<cursor>&limit=100` runs (`integration.changes.changes_since`:
publish the unnumbered changes, then read one page after the cursor) from random cursors, with
and without a batch of new unpublished changes waiting, and prints p50/p95/max and queries.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from integration.changes import changes_since  # noqa: E402
from integration.models import Change  # noqa: E402

EVENTS = ["citizen.created", "citizen.updated", "request.created", "request.stage_changed"]


def fill(total: int) -> None:
    have = Change.objects.count()
    top = Change.objects.aggregate(top=Max("seq"))["top"] or 0
    now = timezone.now()
    batch = []
    for n in range(have, total):
        top += 1
        batch.append(
            Change(
                seq=top,
                event=EVENTS[n % 4],
                object_type="citizen" if n % 4 < 2 else "request",
                object_id=n % 50_000 + 1,
                reference=f"C{n % 50_000 + 1:08d}",
                occurred_at=now,
                data={"version": 2, "fields": ["email"]},
            )
        )
        if len(batch) == 20_000:
            Change.objects.bulk_create(batch)
            batch.clear()
            print(f"  {n + 1:,} changes", flush=True)
    if batch:
        Change.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE integration_change")


def timed(label, calls):
    times, queries = [], 0
    for call in calls:
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            call()
            times.append((time.perf_counter() - start) * 1000)
        queries = len(ctx.captured_queries)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(
        f"{label:<48} p50 {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  "
        f"max {times[-1]:6.1f} ms  ({queries} queries)"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    fill(args.changes)
    total = Change.objects.count()
    print(f"{total:,} changes in the feed ({connection.vendor})")
    rng = random.Random(16)
    top = Change.objects.aggregate(top=Max("seq"))["top"]
    cursors = [str(rng.randint(1, top)) for _ in range(args.repeat)]
    timed(
        "page of 100 from a random cursor", [lambda c=c: changes_since(cursor=c) for c in cursors]
    )
    timed("first page (no cursor)", [lambda: changes_since(cursor=None)] * args.repeat)
    timed("last page (caught up)", [lambda: changes_since(cursor=str(top))] * args.repeat)

    def with_new():
        Change.objects.bulk_create(
            [
                Change(
                    event="citizen.updated",
                    object_type="citizen",
                    object_id=1,
                    reference="C00000001",
                    occurred_at=timezone.now(),
                )
                for _ in range(10)
            ]
        )
        changes_since(cursor=str(top))

    timed("caught up, 10 new changes to publish first", [with_new] * args.repeat)


if __name__ == "__main__":
    main()
