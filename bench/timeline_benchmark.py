"""Timeline feed at size: a citizen with 20,000 entries (default), first page and filtered pages.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_timeline \\
        .venv/bin/python bench/timeline_benchmark.py --entries 20000 --repeat 50

Creates (once) a benchmark citizen with that many entries spread over kinds, service areas,
staff and three years, then times `timeline.selectors.timeline_feed` (entries + counts per kind,
what the page and panel run) for the first page, a deep "load more" page, and filtered views,
and prints p50/p95 and the number of queries of each.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Staff  # noqa: E402
from citizens.models import Citizen  # noqa: E402
from organisation.models import ServiceArea  # noqa: E402
from timeline.models import KIND_CATEGORY, Entry, Kind  # noqa: E402
from timeline.selectors import timeline_feed  # noqa: E402

REFERENCE = "CBENCH0001"


def ensure(entries: int) -> Citizen:
    citizen, _ = Citizen.objects.get_or_create(
        reference=REFERENCE, defaults={"first_name": "Bench", "last_name": "Mark"}
    )
    have = Entry.objects.filter(citizen=citizen).count()
    if have >= entries:
        return citizen
    areas = list(ServiceArea.objects.all()[:8]) or [None]
    staff = list(Staff.objects.all()[:5]) or [None]
    kinds = list(Kind)[:9]
    start = timezone.now() - datetime.timedelta(days=3 * 365)
    step = datetime.timedelta(days=3 * 365) / entries
    rows = []
    for n in range(have, entries):
        kind = kinds[n % len(kinds)]
        actor = staff[n % len(staff)]
        rows.append(
            Entry(
                citizen=citizen,
                occurred_at=start + step * n,
                kind=kind,
                category=KIND_CATEGORY[kind],
                service_area=areas[n % len(areas)],
                actor=actor,
                actor_type="staff" if actor else "system",
                summary=f"Benchmark event {n}",
                key=f"bench:{n}",
            )
        )
    Entry.objects.bulk_create(rows, batch_size=5000)
    return citizen


def timed(citizen, filters, after=None, repeat=20):
    times, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            feed = timeline_feed(citizen=citizen, filters=filters, after=after)
            times.append((time.perf_counter() - started) * 1000)
        queries = len(ctx.captured_queries)
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    return statistics.median(times), p95, queries, feed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    citizen = ensure(args.entries)
    area = (
        Entry.objects.filter(citizen=citizen, service_area__isnull=False).first().service_area_id
    )
    first = timeline_feed(citizen=citizen, filters={})
    deep = first
    for _ in range(40):  # 40 pages down
        deep = timeline_feed(citizen=citizen, filters={}, after=deep.next_cursor)
    cases = [
        ("first page", {}, None),
        ("page 41 (load more)", {}, deep.next_cursor),
        ("kind = notes", {"kind": ["notes"]}, None),
        ("one service area", {"service_area": str(area)}, None),
        (
            "area + date range",
            {"service_area": str(area), "since": "01/01/2025", "until": "30/06/2025"},
            None,
        ),
        ("free text", {"q": "event 1234"}, None),
    ]
    print(f"{connection.vendor}, {Entry.objects.filter(citizen=citizen).count():,} entries")
    for name, filters, after in cases:
        p50, p95, queries, feed = timed(citizen, filters, after, args.repeat)
        print(
            f"{name:<22} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  {queries} queries  "
            f"{len(feed.entries)} shown"
        )


if __name__ == "__main__":
    main()
