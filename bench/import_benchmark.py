"""Bulk import at size: N generated rows with planted near-duplicates into a register of M.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench \\
        .venv/bin/python bench/import_benchmark.py --register 1000000 --rows 100000

Fills (once, with COPY on PostgreSQL: secondary indexes dropped, rows streamed, indexes rebuilt,
ANALYZE) a register of M citizens (name, date of birth, current address) that looks like a
borough's: surnames with the national shares of the commonest ones and a long tail of rare ones
(`bench/matching_register.Names`), first names by sex, two people to an address, 15 addresses
to a postcode, half the households sharing a surname. Then writes a CSV of N rows of which 20 %
are planted near-duplicates of register people (a typo in the first name, or the name in
capitals; same date of birth and address) and the rest new people living at the register's
postcodes (half with an email address), times the preview (check and match, nothing written)
and the import, reports the peak memory (max RSS) of the process and the load average, the
outcome counts, and the matcher's precision and recall on the planted rows: a planted row
counts as found when it is "matched" or "needs review" with its register person among the
candidates; a new row flagged is a false alarm.
"""

import argparse
import csv
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# Measure as production runs: with DEBUG on, Django keeps every statement's SQL (a batch's bulk
# inserts are megabytes of it) in `connection.queries`, which grew RSS by ~150 MB over a
# 100,000-row import and cost CPU formatting it.
settings.DEBUG = False

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.matching_register import Names  # noqa: E402
from citizens.models import Address, Citizen  # noqa: E402
from citizens.normalise import name_normalise, search_keys_for  # noqa: E402
from integration.imports import import_run  # noqa: E402
from integration.models import ImportRow  # noqa: E402
from integration.services import import_upload  # noqa: E402

ID_BASE = 50_000_000  # register people get ids from here (the app's own start at 1)
LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
AREAS = ("LS", "M", "B", "BS", "NE", "CF", "S", "L", "NG", "LE", "PL", "EX", "YO", "HU", "DE")
STREETS = [
    "High Street",
    "Station Road",
    "Church Lane",
    "Victoria Road",
    "Park Avenue",
    "Mill Lane",
    "Queens Road",
    "Kings Road",
    "New Street",
    "Manor Close",
    "Green Lane",
    "School Lane",
    "Albert Road",
    "Grange Drive",
]
NAMES = Names(random.Random(16))
DOB_FIRST, DOB_LAST = date(1935, 1, 1).toordinal(), date(2006, 12, 31).toordinal()


def postcode(index: int) -> str:
    area = AREAS[index % len(AREAS)]
    district = 1 + index // len(AREAS) % 99
    rest = index // (len(AREAS) * 99)
    return f"{area}{district} {rest % 10}{LETTERS[rest // 10 % 20]}{LETTERS[rest // 200 % 20]}"


def person(n: int) -> dict:
    """Register person n, the same on every run (no database needed to know who they are)."""
    rng = random.Random(n * 7919 + 16)
    NAMES.rng = rng
    household = n // 2
    house_rng = random.Random(household * 104729 + 16)
    NAMES.rng = house_rng
    family = NAMES.surname()
    NAMES.rng = rng
    shares = household % 2 == 0 or n % 2 == 0
    sex = "m" if rng.random() < 0.5 else "f"
    pc_index = household // 15
    return {
        "first_name": NAMES.first(sex).capitalize(),
        "last_name": (family if shares else NAMES.surname()).title(),
        "date_of_birth": date.fromordinal(rng.randint(DOB_FIRST, DOB_LAST)).isoformat(),
        "postcode": postcode(pc_index),
        "address_line_1": f"{household % 15 + 1} {STREETS[pc_index % len(STREETS)]}",
    }


@lru_cache(maxsize=500_000)
def _search(first, last):
    return name_normalise(f"{first}  {last}"), name_normalise(last), search_keys_for(first, last)


def _copy(cursor, table, columns, rows):
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def fill(register: int) -> None:
    have = Citizen.objects.filter(id__gte=ID_BASE, id__lt=ID_BASE + register).count()
    if have >= register:
        return
    if connection.vendor != "postgresql":
        raise SystemExit("The register is filled with COPY: run against PostgreSQL.")
    now = timezone.now()
    citizen_cols = [
        "id",
        "reference",
        "title",
        "first_name",
        "middle_names",
        "last_name",
        "preferred_name",
        "date_of_birth",
        "preferred_channel",
        "preferred_language",
        "accessible_formats",
        "no_contact_details_reason",
        "status",
        "version",
        "search_name",
        "search_last_name",
        "search_keys",
        "new_person_reason",
        "created_at",
        "updated_at",
    ]
    address_cols = [
        "citizen_id",
        "line_1",
        "line_2",
        "town",
        "postcode",
        "postcode_compact",
        "uprn",
        "is_current",
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        dropped = []
        for table in ("citizens_citizen", "citizens_address"):
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname "
                "NOT IN (SELECT conname FROM pg_constraint) AND indexdef NOT LIKE '%%UNIQUE%%'",
                [table],
            )
            dropped += cursor.fetchall()
        for name, _ in dropped:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        step = 50_000
        for start in range(have, register, step):
            t0 = time.perf_counter()
            people = [(n, person(n)) for n in range(start, min(start + step, register))]
            citizens, addresses = [], []
            for n, p in people:
                name, last, keys = _search(p["first_name"], p["last_name"])
                pk = ID_BASE + n
                citizens.append(
                    (pk, f"CB{n:08d}", "", p["first_name"], "", p["last_name"], "",
                     p["date_of_birth"], "", "English", "", "Not given", "active", 1,
                     name, last, keys, "", now, now)
                )  # fmt: skip
                compact = p["postcode"].replace(" ", "")
                addresses.append(
                    (pk, p["address_line_1"], "", "", p["postcode"], compact, "", True)
                )
            _copy(cursor, "citizens_citizen", citizen_cols, citizens)
            _copy(cursor, "citizens_address", address_cols, addresses)
            print(
                f"  register {start + len(people):,} ({time.perf_counter() - t0:.1f} s)",
                flush=True,
            )
        t0 = time.perf_counter()
        for _name, definition in dropped:
            cursor.execute(definition)
        print(f"  {len(dropped)} indexes rebuilt ({time.perf_counter() - t0:.0f} s)", flush=True)
        cursor.execute("ANALYZE citizens_citizen; ANALYZE citizens_address")


def typo(name, rng):
    i = rng.randrange(1, len(name) - 1)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def write_file(path, rows, register, share, rng, seed=16):
    """The CSV to import; returns {source_reference: register citizen id} for planted rows."""
    planted = {}
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["source_reference", "first_name", "last_name", "date_of_birth", "email",
             "postcode", "address_line_1"]
        )  # fmt: skip
        for n in range(rows):
            if rng.random() < share:
                target = rng.randrange(register)
                p = person(target)
                first = p["first_name"]
                first = typo(first, rng) if n % 2 and len(first) > 3 else first.upper()
                writer.writerow(
                    [f"S{n}", first, p["last_name"], p["date_of_birth"], "", p["postcode"],
                     p["address_line_1"]]
                )  # fmt: skip
                planted[f"S{n}"] = ID_BASE + target
            else:
                # Someone new, living at one of the register's postcodes.
                home = person(rng.randrange(register))
                p = person(register + 10_000_000 + (seed - 16) * 1_000_000 + n)
                last = "Newperson" + p["last_name"].lower()
                email = f"{p['first_name']}.{last}.{n}@example.org".lower() if n % 2 else ""
                writer.writerow(
                    [f"S{n}", p["first_name"], last, p["date_of_birth"], email,
                     home["postcode"], f"{n % 90 + 20} {home['address_line_1'].split(' ', 1)[1]}"]
                )  # fmt: skip
    return planted


def creation_checks(count, register, rng):
    """Time the check the create form and the API run (`match_candidates`) at this size: half
    near-duplicates of register people as an agent would type them, half new people living
    at the register's postcodes. Prints p50/p95/p99 and where the time goes."""
    import statistics

    from citizens.matching import match_candidates
    from citizens.matching import matcher as m

    people = []
    for n in range(count):
        if n % 2:
            p = person(rng.randrange(register))
            p["first_name"] = typo(p["first_name"], rng) if len(p["first_name"]) > 3 else "X"
        else:
            home = person(rng.randrange(register))
            p = person(register + 20_000_000 + n) | {"postcode": home["postcode"]}
        p["date_of_birth"] = date.fromisoformat(p["date_of_birth"])
        people.append(p)
    phases = {"blocking": 0.0, "loading": 0.0}
    real_block, real_load = m.candidate_ids, m.records_for_ids

    def timed(name, func):
        def wrapper(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                phases[name] += time.perf_counter() - t0

        return wrapper

    m.candidate_ids, m.records_for_ids = timed("blocking", real_block), timed("loading", real_load)
    times, found, candidates = [], 0, 0
    try:
        match_candidates(person=people[0])  # parameters into the process's cache
        phases.update(blocking=0.0, loading=0.0)
        for p in people:
            t0 = time.perf_counter()
            matches = match_candidates(person=p)
            times.append((time.perf_counter() - t0) * 1000)
            found += bool(matches)
            candidates += len(real_block(m.record_from_data(p)))
    finally:
        m.candidate_ids, m.records_for_ids = real_block, real_load
    q = statistics.quantiles(times, n=100)
    total = sum(times) / 1000
    print(
        f"creation check: {count} checks at {register:,}: p50 {q[49]:.1f} ms, p95 {q[94]:.1f} ms, "
        f"p99 {q[98]:.1f} ms; blocking {phases['blocking'] / total:.0%}, loading "
        f"{phases['loading'] / total:.0%}, scoring the rest; {candidates / count:.0f} "
        f"candidates a check; {found} with matches; load average "
        + " ".join(f"{x:.1f}" for x in os.getloadavg()),
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--register", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--planted", type=float, default=0.2)
    parser.add_argument("--fill-only", action="store_true")
    parser.add_argument("--checks", type=int, default=0, help="time N creation checks first")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument(
        "--seed", type=int, default=16, help="another seed for another file (new people differ)"
    )
    args = parser.parse_args()
    print("load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    start = time.perf_counter()
    fill(args.register)
    print(f"register ready: {Citizen.objects.count():,} ({time.perf_counter() - start:.0f} s)")
    if args.fill_only:
        return
    if args.checks:
        creation_checks(args.checks, args.register, random.Random(15))
    if args.skip_import:
        return
    rng = random.Random(args.seed)
    path = Path(tempfile.mkdtemp()) / "import.csv"
    planted = write_file(path, args.rows, args.register, args.planted, rng, args.seed)
    with open(path, "rb") as f:
        run = import_upload(
            actor=None,
            source=f"bench-{time.time():.0f}",
            name="bench.csv",
            chunks=iter(lambda: f.read(1 << 20), b""),
        )

    def cpu():
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    for commit in (False, True):
        start, cpu_start = time.perf_counter(), cpu()
        run = import_run(run, commit=commit)
        took, cpu_took = time.perf_counter() - start, cpu() - cpu_start
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        label = "import" if commit else "preview"
        load = " ".join(f"{x:.1f}" for x in os.getloadavg())
        print(
            f"{label}: {run.rows_total:,} rows in {took:.1f} s ({run.rows_total / took:.0f} "
            f"rows/s), this process's CPU {cpu_took:.1f} s ({cpu_took / run.rows_total * 1000:.1f}"
            f" ms a row), peak RSS so far {rss:.0f} MB, load average {load}, counts {run.counts}",
            flush=True,
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
    print(f"citizens now {Citizen.objects.count():,}, addresses {Address.objects.count():,}")


if __name__ == "__main__":
    main()
