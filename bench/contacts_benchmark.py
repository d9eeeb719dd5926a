"""Contact history and reports at scale.

Usage (PostgreSQL; the database is created and migrated if needed):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench_contacts \
        .venv/bin/python bench/contacts_benchmark.py --contacts 1000000

Inserts `--contacts` ended contacts spread over 90 days and 20,000 citizens (one citizen has
5,000 of them), then times, server-side and through the ORM only: a citizen's history first page
(rows + the total it shows, through `ContactPaginator` as the page does), the staff-wide history
first page unfiltered and filtered, and the 28-day and 90-day reports. The reports read the daily
summary for settled days (built once, timed separately as "summary build") and count the last
two days live. Prints the load average, p50/p95 over repeated runs and the query counts.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Staff  # noqa: E402
from citizens.models import Citizen  # noqa: E402
from contacts.models import (  # noqa: E402
    Channel,
    Contact,
    ContactType,
    Outcome,
    ReportDay,
)
from contacts.selectors import ContactPaginator, contact_list, contact_report  # noqa: E402
from organisation.models import Location  # noqa: E402

BATCH = 10_000


def populate(total: int, rng: random.Random) -> Citizen:
    call_command("migrate", verbosity=0)
    call_command("seed_reference", verbosity=0)
    staff, _ = Staff.objects.get_or_create(username="bench-agent")
    citizens = list(Citizen.objects.filter(reference__startswith="B").order_by("pk"))
    if len(citizens) < 20_000:
        Citizen.objects.bulk_create(
            Citizen(reference=f"B{n:07d}", first_name="Bench", last_name=f"Person{n}")
            for n in range(len(citizens), 20_000)
        )
        citizens = list(Citizen.objects.filter(reference__startswith="B").order_by("pk"))
    busy = citizens[0]
    have = Contact.objects.count()
    if have >= total:
        return busy
    channels = list(Channel.objects.exclude(code="letter"))
    locations = list(Location.objects.all())
    types = list(ContactType.objects.select_related("service_area"))
    outcomes = list(Outcome.objects.exclude(code="not_recorded"))
    now = timezone.now()
    ids = [c.pk for c in citizens]
    made = have
    while made < total:
        rows = []
        for i in range(min(BATCH, total - made)):
            start = now - timedelta(seconds=rng.randrange(90 * 86400))
            kind = rng.choice(types)
            rows.append(
                Contact(
                    citizen_id=busy.pk if made + i < 5000 else rng.choice(ids),
                    agent_id=staff.pk,
                    channel=rng.choice(channels),
                    location=rng.choice(locations),
                    status=Contact.Status.ENDED,
                    started_at=start,
                    ended_at=start + timedelta(minutes=rng.randint(2, 15)),
                    service_area_id=kind.service_area_id,
                    contact_type=kind,
                    outcome=rng.choice(outcomes),
                    avoidable=rng.random() < 0.2,
                    resolved_at_first_contact=rng.random() < 0.7,
                )
            )
        with transaction.atomic():
            Contact.objects.bulk_create(rows)
        made += len(rows)
        if made % 100_000 == 0:
            print(f"  {made:,} contacts", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE contacts_contact")
    return busy


def timed(label, func, runs):
    func()  # warm up
    samples = []
    with CaptureQueriesContext(connection) as queries:
        func()
    for _ in range(runs):
        began = time.perf_counter()
        func()
        samples.append((time.perf_counter() - began) * 1000)
    samples.sort()
    p95 = samples[max(0, int(round(0.95 * len(samples))) - 1)]
    print(
        f"| {label} | {statistics.median(samples):.1f} ms | {p95:.1f} ms | "
        f"{len(queries.captured_queries)} |"
    )


def first_page(filters=None, citizen=None):
    def run():
        _filterset, queryset = contact_list(filters=filters or {}, citizen=citizen)
        page = ContactPaginator(queryset, 25).get_page(1)
        list(page.object_list)
        page.paginator.summary  # noqa: B018  (the page shows the total)

    return run


def report(days):
    def run():
        today = timezone.localdate()
        contact_report(date_from=today - timedelta(days=days - 1), date_to=today)

    return run


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    rng = random.Random(20261122)
    busy = populate(args.contacts, rng)
    phone = Channel.objects.get(code="phone")
    waste_type = ContactType.objects.get(name="Missed bin")
    print(
        f"{Contact.objects.count():,} contacts; citizen {busy.reference} has "
        f"{Contact.objects.filter(citizen=busy).count():,}"
    )
    print("load average: " + ", ".join(f"{n:.2f}" for n in os.getloadavg()))
    ReportDay.objects.all().delete()
    began = time.perf_counter()
    report(90)()
    print(f"summary build, 88 settled days (one-off): {time.perf_counter() - began:.1f} s")
    print("| view | p50 | p95 | queries |\n| --- | --- | --- | --- |")
    timed("citizen history, first page (5,000 contacts)", first_page(citizen=busy), args.runs)
    timed("staff-wide history, first page", first_page(), args.runs)
    timed(
        "staff-wide, phone + missed bin, first page",
        first_page(filters={"channel": phone.pk, "contact_type": waste_type.pk}),
        args.runs,
    )
    timed("report, last 28 days", report(28), max(3, args.runs // 4))
    timed("report, last 90 days", report(90), max(3, args.runs // 4))
    print("load average: " + ", ".join(f"{n:.2f}" for n in os.getloadavg()))


if __name__ == "__main__":
    main()
