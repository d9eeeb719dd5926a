"""Bulk import at size: N generated rows with planted near-duplicates into a register of M.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench \\
        .venv/bin/python bench/import_benchmark.py --register 1000000 --rows 100000

Fills (once) a register of M citizens (name, date of birth, current address), writes a CSV of N
rows of which 20 % are planted near-duplicates of register people (a typo in the first name,
the name in another case, a different email, the same date of birth and postcode) and the rest
new people, then times the preview (check and match, nothing written) and the import, reports
the peak memory (max RSS) of the process, the outcome counts, and the matcher's precision and
recall on the planted rows: a planted row counts as found when it is "matched" or "needs
review" with its register person among the candidates; a new row flagged is a false alarm.
"""

import argparse
import csv
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from citizens.models import Address, Citizen  # noqa: E402
from integration.imports import import_run  # noqa: E402
from integration.models import ImportRow  # noqa: E402
from integration.services import import_upload  # noqa: E402

FIRST = [
    "Amelia",
    "Oliver",
    "Isla",
    "George",
    "Ava",
    "Noah",
    "Mia",
    "Arthur",
    "Ivy",
    "Leo",
    "Grace",
    "Harry",
    "Freya",
    "Oscar",
    "Lily",
    "Jack",
    "Emily",
    "Charlie",
    "Sophie",
    "Alfie",
]
LAST = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Wright",
    "Walker",
    "Evans",
    "Thomas",
    "Roberts",
    "Khan",
    "Lewis",
    "Hughes",
    "Green",
    "Hall",
    "Clarke",
    "Okafor",
    "Nowak",
    "Murphy",
    "Kaur",
    "Begum",
]
STREETS = ["High Street", "Station Road", "Church Lane", "Mill Road", "Park Avenue", "Queens Road"]


def person(rng, n):
    dob = date(1940, 1, 1) + timedelta(days=rng.randint(0, 365 * 65))
    district = 1 + n // 15 % 9999
    return {
        "first_name": rng.choice(FIRST),
        "last_name": rng.choice(LAST) + ("" if n % 3 else f"-{rng.choice(LAST)}"),
        "date_of_birth": dob.isoformat(),
        "postcode": f"B{district % 99 + 1} {n % 9 + 1}{'ABDEFGHJLNPQRSTUWXYZ'[n % 20]}"
        f"{'ABDEFGHJLNPQRSTUWXYZ'[n // 20 % 20]}",
        "address_line_1": f"{n % 200 + 1} {rng.choice(STREETS)}",
    }


def fill(register: int, rng) -> None:
    have = Citizen.objects.filter(reference__startswith="CB").count()
    batch_c = []
    for n in range(have, register):
        p = person(rng, n)
        c = Citizen(
            reference=f"CB{n:08d}",
            first_name=p["first_name"],
            last_name=p["last_name"],
            date_of_birth=p["date_of_birth"],
        )
        batch_c.append((c, p))
        if len(batch_c) == 5000:
            _flush(batch_c)
            print(f"  register {n + 1:,}", flush=True)
    _flush(batch_c)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE citizens_citizen; ANALYZE citizens_address")


def _flush(batch):
    from citizens.services import _set_search_fields  # the keys quick search and matching use

    if not batch:
        return
    for c, _ in batch:
        _set_search_fields(c)
    Citizen.objects.bulk_create([c for c, _ in batch])
    Address.objects.bulk_create(
        [
            Address(
                citizen=c,
                line_1=p["address_line_1"],
                postcode=p["postcode"],
                postcode_compact=p["postcode"].replace(" ", ""),
                is_current=True,
            )
            for c, p in batch
        ]
    )
    batch.clear()


def typo(name, rng):
    i = rng.randrange(1, len(name) - 1)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--register", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--planted", type=float, default=0.2)
    args = parser.parse_args()
    rng = random.Random(16)
    start = time.perf_counter()
    fill(args.register, rng)
    print(f"register ready: {Citizen.objects.count():,} ({time.perf_counter() - start:.0f} s)")
    planted = {}
    path = Path(tempfile.mkdtemp()) / "import.csv"
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            [
                "source_reference",
                "first_name",
                "last_name",
                "date_of_birth",
                "postcode",
                "address_line_1",
            ]
        )
        for n in range(args.rows):
            if rng.random() < args.planted:
                target = rng.randrange(min(args.register, Citizen.objects.count()))
                c = Citizen.objects.only("pk", "first_name", "last_name", "date_of_birth").get(
                    reference=f"CB{target:08d}"
                )
                a = c.addresses.first()
                first = typo(c.first_name, rng) if n % 2 else c.first_name.upper()
                writer.writerow(
                    [f"S{n}", first, c.last_name, c.date_of_birth, a.postcode, a.line_1]
                )
                planted[f"S{n}"] = c.pk
            else:
                p = person(rng, args.register + 10_000_000 + n)
                p["last_name"] = "Newperson" + p["last_name"]
                writer.writerow(
                    [
                        f"S{n}",
                        p["first_name"],
                        p["last_name"],
                        p["date_of_birth"],
                        p["postcode"],
                        p["address_line_1"],
                    ]
                )
    chunks = [path.read_bytes()]
    run = import_upload(
        actor=None, source=f"bench-{time.time():.0f}", name="bench.csv", chunks=chunks
    )
    for commit in (False, True):
        start = time.perf_counter()
        run = import_run(run, commit=commit)
        took = time.perf_counter() - start
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        label = "import" if commit else "preview"
        print(
            f"{label}: {run.rows_total:,} rows in {took:.1f} s ({run.rows_total / took:.0f} "
            f"rows/s), peak RSS so far {rss:.0f} MB, counts {run.counts}"
        )
    found = flagged = wrong_flags = 0
    for row in (
        ImportRow.objects.filter(run=run)
        .only("data", "outcome", "candidates", "citizen_id")
        .iterator()
    ):
        key = row.data.get("source_reference")
        ids = {c["citizen_id"] for c in row.candidates}
        if row.outcome == "matched":
            ids.add(row.citizen_id)
        is_flagged = row.outcome in ("matched", "review")
        flagged += is_flagged
        if key in planted:
            found += planted[key] in ids
        elif is_flagged:
            wrong_flags += 1
    recall = found / len(planted) if planted else 0
    precision = (flagged - wrong_flags) / flagged if flagged else 0
    print(
        f"planted {len(planted):,}: recall {recall:.3f}, precision {precision:.3f} "
        f"({wrong_flags} new people flagged as possible duplicates)"
    )


if __name__ == "__main__":
    main()
