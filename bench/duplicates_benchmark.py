"""Reports about places at county scale: gazetteer import, the duplicate finder's speed and
how well it ranks, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench_places \
        .venv/bin/python bench/duplicates_benchmark.py [--requests 1000000]
        [--open-share 0.2] [--gazetteer 300000] [--probes 200] [--rebuild]

1. Gazetteer: writes a county-sized LLPG-style CSV (easting/northing, about 8,500 streets
   over 60 x 50 km) and times `import_gazetteer`'s importer on it — rows a second and the
   process's peak memory growth (bounded: it streams) — then imports it again (idempotent:
   every row "unchanged").
2. Requests: inserts `--requests` rows with generate_series, `--open-share` of them open, all
   about places (six processes, fly-tipping and dumped bulky waste related) spread over the
   county with real-looking descriptions. A database already holding the same numbers is
   reused (`--rebuild` starts again).
3. Planted cases, `--probes` of each: an original fly-tipping report at a gazetteer address;
   a genuinely different fly-tipping report 20-80 m from it (other things dumped); and a new
   report of the related kind (dumped bulky waste) within 30 m of the original, described in
   other words. For each new report the finder runs as the agent's screen runs it; we count
   how often the original is among the top 5, and how often the different report is ranked
   first. A further `--probes` genuinely new reports (a kind with nothing open near it) say
   how often the finder wrongly calls something "probably the same".
4. Speed: the finder's time per call (p50/p95/p99) over all probes plus 1,000 calls at random
   gazetteer addresses, after one warm-up pass.
"""

import argparse
import csv
import math
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crm_bench_places")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

# The county: a 60 x 50 km piece of the National Grid (south-east England).
E0, N0, WIDTH, HEIGHT = 440_000, 140_000, 60_000, 50_000
PAIRS = [
    (
        "Old mattress and black bags dumped by the gate",
        "Someone has left a matress and some bin bags at the gates",
    ),
    ("Sofa dumped on the pavement outside the flats", "couch left on the footpath by the flats"),
    ("Builders rubble tipped in the lay-by", "pile of bricks and plasterboard dumped in layby"),
    ("Fridge freezer abandoned outside the shops", "someone has dumped a fridge by the shops"),
    ("Tyres dumped in the alleyway behind the houses", "four old tyres left in the alley"),
    ("Garden waste and branches tipped on the verge", "branches and garden rubbish on the verge"),
    ("Wardrobe and chairs left by the bus stop", "old furniture dumped at the bus stop"),
    ("Bags of rubbish dumped behind the church hall", "black sacks of waste left behind church"),
]
DIFFERENT = [
    "Paint tins and a carpet roll in the car park",
    "Shopping trolley pushed into the stream",
    "Asbestos sheets near the school fence",
    "Boxes of leaflets scattered across the field",
    "Broken glass bottles all over the bench area",
    "Christmas tree and decorations on the corner",
]
BACKGROUND = [
    "Rubbish bags left on the corner",
    "Pothole in the road near the junction",
    "Street light out all night",
    "Car not moved for weeks, flat tyres",
    "Bin not emptied on collection day",
    "Fly-tipping in the lane",
    "Hole in the pavement",
    "Graffiti on the wall by the underpass",
]
PROCESSES = [
    ("fly-tipping", "Fly-tipping", "Fly-tipping report"),
    ("dumped-bulky-waste", "Dumped bulky waste", "Bulky waste dumped"),
    ("pothole", "Pothole", "Pothole"),
    ("street-lighting", "Street light fault", "Street lighting"),
    ("abandoned-vehicle", "Abandoned vehicle", "Abandoned vehicle"),
    ("missed-bin", "Missed bin", "Missed bin"),
]


def loadavg() -> str:
    with open("/proc/loadavg", encoding="ascii") as handle:
        return " ".join(handle.read().split()[:3])


def ensure_database():
    import psycopg

    name = connection.settings_dict["NAME"]
    params = {k: v for k, v in connection.get_connection_params().items() if k != "dbname"}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname=%s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')


def write_gazetteer(path: Path, rows: int, rng: random.Random) -> None:
    """Streets of 10-60 houses, each a straight line at a random place and angle."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["UPRN", "USRN", "ADDRESS_LINE_1", "STREET", "TOWN", "POSTCODE", "EASTING", "NORTHING"]
        )
        uprn, usrn, written = 200_000_000_000, 40_000_000, 0
        while written < rows:
            usrn += 1
            e, n = E0 + rng.uniform(0, WIDTH), N0 + rng.uniform(0, HEIGHT)
            angle = rng.uniform(0, math.pi)
            street = f"{rng.choice(['Church', 'Mill', 'Station', 'Park', 'Oak', 'Elm'])} " + (
                f"{rng.choice(['Road', 'Lane', 'Street', 'Close', 'Way'])} {usrn % 997}"
            )
            district = f"RG{1 + usrn % 40}"
            for number in range(1, min(rng.randint(10, 60), rows - written) + 1):
                uprn += 1
                along, side = (number // 2) * 14, (9 if number % 2 else -9)
                x = e + math.cos(angle) * along - math.sin(angle) * side
                y = n + math.sin(angle) * along + math.cos(angle) * side
                postcode = f"{district} {1 + (number // 15) % 9}{'ABDEFGHJLN'[usrn % 10]}Q"
                writer.writerow(
                    [
                        uprn,
                        usrn,
                        f"{number} {street}",
                        street,
                        "Benchshire",
                        postcode,
                        f"{x:.2f}",
                        f"{y:.2f}",
                    ]
                )
                written += 1


def import_gazetteer(path: Path) -> dict:
    from places.importer import gazetteer_import

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    with open(path, encoding="utf-8", newline="") as handle:
        report = gazetteer_import(lines=handle)
    seconds = time.monotonic() - started
    grew = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    return {"report": report, "seconds": seconds, "peak_growth_mb": grew / 1024}


def processes():
    from contacts.models import ContactType
    from requests_tracking.models import Process
    from tests.factories import ProcessFactory, ServiceAreaFactory

    area = ServiceAreaFactory(name="Bench environment")
    made = {}
    for code, name, type_name in PROCESSES:
        process = Process.objects.filter(code=code, is_current=True).first()
        if process is None:
            process = ProcessFactory(
                code=code,
                name=name,
                service_area=area,
                place_based=True,
                stages=[("Investigate", 3, "days"), ("Clear", 5, "days")],
            )
            ctype, _ = ContactType.objects.get_or_create(service_area=area, name=type_name)
            process.contact_types.add(ctype)
        made[code] = process
    made["fly-tipping"].related_contact_types.add(*made["dumped-bulky-waste"].contact_types.all())
    return made


def build_requests(n: int, open_share: float, made: dict) -> None:
    """n requests over the county by generate_series; `open_share` open, the rest closed."""
    from requests_tracking.models import Request, StageVisit

    with connection.cursor() as cur:
        cur.execute("UPDATE requests_tracking_request SET current_visit_id = NULL")
    StageVisit.objects.all().delete()
    Request.objects.all().delete()
    first_stage = {code: p.stages.get(order=1).pk for code, p in made.items()}
    process_ids = [made[code].pk for code, _, _ in PROCESSES]
    stage_ids = [first_stage[code] for code, _, _ in PROCESSES]
    area_id = made["fly-tipping"].service_area_id
    # Latitude/longitude box of the county (WGS84), from its grid corners.
    from places.geo import grid_to_latlon

    lat0, lon0 = grid_to_latlon(E0, N0)
    lat1, lon1 = grid_to_latlon(E0 + WIDTH, N0 + HEIGHT)
    with connection.cursor() as cur:
        cur.execute("SELECT setseed(0.17)")
        cur.execute(
            """
            INSERT INTO requests_tracking_request
              (reference, process_id, current_stage_id, status, sla_state, description,
               address_line_1, postcode, postcode_compact, uprn, usrn, latitude, longitude,
               service_area_id, status_reason, resolution, created_at, updated_at, version)
            SELECT 'BENCH-' || g,
                   (%(processes)s::int[])[1 + g %% 6],
                   (%(stages)s::int[])[1 + g %% 6],
                   CASE WHEN random() < %(open)s THEN 'open' ELSE 'closed' END,
                   'on_track',
                   (%(texts)s::text[])[1 + (g / 7) %% %(ntexts)s],
                   'Somewhere in Benchshire', '', '', '', '',
                   round((%(lat0)s + random() * (%(lat1)s - %(lat0)s))::numeric, 6),
                   round((%(lon0)s + random() * (%(lon1)s - %(lon0)s))::numeric, 6),
                   %(area)s, '', '',
                   now() - (random() * interval '80 days'),
                   now(), 0
            FROM generate_series(1, %(n)s) AS g
            """,
            {
                "processes": process_ids,
                "stages": stage_ids,
                "open": open_share,
                "texts": BACKGROUND,
                "ntexts": len(BACKGROUND),
                "lat0": lat0,
                "lat1": lat1,
                "lon0": lon0,
                "lon1": lon1,
                "area": area_id,
                "n": n,
            },
        )
        cur.execute("ANALYZE requests_tracking_request")


def offset(lat, lon, north_m, east_m):
    from decimal import Decimal

    lat2 = float(lat) + north_m / 111_320
    lon2 = float(lon) + east_m / (111_320 * math.cos(math.radians(float(lat))))
    return Decimal(f"{lat2:.6f}"), Decimal(f"{lon2:.6f}")


def plant(made: dict, probes: int, rng: random.Random):
    """Originals and genuinely different reports nearby; returns the cases to probe."""
    from places.models import GazetteerAddress
    from requests_tracking.models import Request

    Request.objects.filter(reference__startswith="PLANT-").delete()
    step = max(GazetteerAddress.objects.count() // (probes + 1), 1)
    ids = list(GazetteerAddress.objects.order_by("pk").values_list("pk", flat=True))
    spots = list(
        GazetteerAddress.objects.filter(pk__in=ids[::step][:probes])
        .order_by("pk")
        .values("uprn", "usrn", "latitude", "longitude")
    )
    flytip, stage = made["fly-tipping"], made["fly-tipping"].stages.get(order=1)
    cases, rows = [], []
    now = timezone.now()
    for i, spot in enumerate(spots):
        original_text, reworded = PAIRS[i % len(PAIRS)]
        distance, bearing = rng.uniform(20, 80), rng.uniform(0, 2 * math.pi)
        d_lat, d_lon = offset(
            spot["latitude"],
            spot["longitude"],
            distance * math.cos(bearing),
            distance * math.sin(bearing),
        )
        common = {
            "process": flytip,
            "current_stage": stage,
            "status": "open",
            "service_area_id": flytip.service_area_id,
            "address_line_1": "Benchshire",
        }
        rows.append(
            Request(
                reference=f"PLANT-O-{i}",
                description=original_text,
                uprn=spot["uprn"],
                usrn=spot["usrn"],
                latitude=spot["latitude"],
                longitude=spot["longitude"],
                **common,
            )
        )
        rows.append(
            Request(
                reference=f"PLANT-D-{i}",
                description=DIFFERENT[i % len(DIFFERENT)],
                latitude=d_lat,
                longitude=d_lon,
                **common,
            )
        )
        p_distance, p_bearing = rng.uniform(0, 30), rng.uniform(0, 2 * math.pi)
        p_lat, p_lon = offset(
            spot["latitude"],
            spot["longitude"],
            p_distance * math.cos(p_bearing),
            p_distance * math.sin(p_bearing),
        )
        cases.append({"i": i, "latitude": p_lat, "longitude": p_lon, "text": reworded})
    Request.objects.bulk_create(rows, batch_size=1000)
    ages = {r.reference: now - timezone.timedelta(days=rng.uniform(0, 30)) for r in rows}
    for reference, created in ages.items():
        Request.objects.filter(reference=reference).update(created_at=created)
    return cases


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--open-share", type=float, default=0.2)
    parser.add_argument("--gazetteer", type=int, default=300_000)
    parser.add_argument("--probes", type=int, default=200)
    parser.add_argument("--random-calls", type=int, default=1000)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    rng = random.Random(20261129)
    ensure_database()
    call_command("migrate", verbosity=0)
    from places.models import GazetteerAddress
    from requests_tracking.finder import request_duplicate_candidates
    from requests_tracking.models import Request

    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
    if args.rebuild or GazetteerAddress.objects.count() != args.gazetteer:
        GazetteerAddress.objects.all().delete()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "llpg.csv"
            write_gazetteer(path, args.gazetteer, rng)
            size = path.stat().st_size / 1e6
            first = import_gazetteer(path)
            again = import_gazetteer(path)
        r1, r2 = first["report"], again["report"]
        print(f"Gazetteer CSV: {args.gazetteer:,} rows, {size:.0f} MB")
        print(
            f"  first import: {r1.summary()} in {first['seconds']:.1f} s "
            f"({r1.read / first['seconds']:,.0f} rows/s), peak memory growth "
            f"{first['peak_growth_mb']:.0f} MB"
        )
        print(
            f"  second import: {r2.summary()} in {again['seconds']:.1f} s "
            f"({r2.read / again['seconds']:,.0f} rows/s)"
        )
    made = processes()
    live = Request.objects.filter(reference__startswith="BENCH-")
    if args.rebuild or live.count() != args.requests:
        started = time.monotonic()
        build_requests(args.requests, args.open_share, made)
        print(f"Requests: {args.requests:,} inserted in {time.monotonic() - started:.0f} s")
    open_count = Request.objects.filter(status__in=Request.LIVE_STATUSES).count()
    print(f"Requests: {Request.objects.count():,} in all, {open_count:,} open")
    cases = plant(made, args.probes, rng)
    with connection.cursor() as cur:
        cur.execute("ANALYZE requests_tracking_request")

    related = made["dumped-bulky-waste"]
    timings, cpu, in_top5, different_first = [], [], 0, 0
    load_before = loadavg()
    for warm in (True, False):
        for case in cases:
            started, started_cpu = time.perf_counter(), time.process_time()
            found = request_duplicate_candidates(
                process=related,
                latitude=case["latitude"],
                longitude=case["longitude"],
                description=case["text"],
            )
            elapsed = time.perf_counter() - started
            if warm:
                continue
            timings.append(elapsed)
            cpu.append(time.process_time() - started_cpu)
            refs = [c.request.reference for c in found]
            in_top5 += f"PLANT-O-{case['i']}" in refs[:5]
            different_first += bool(refs) and refs[0] == f"PLANT-D-{case['i']}"
    # Genuinely new reports: a kind with nothing planted (street lights) at the same places.
    lights, false_alarms = made["street-lighting"], 0
    for case in cases:
        found = request_duplicate_candidates(
            process=lights,
            latitude=case["latitude"],
            longitude=case["longitude"],
            description="Street light flickering every night",
        )
        false_alarms += bool(found) and found[0].likely
    spots = list(GazetteerAddress.objects.order_by("?").values("uprn")[: args.random_calls])
    for spot in spots:
        started, started_cpu = time.perf_counter(), time.process_time()
        request_duplicate_candidates(
            process=made["fly-tipping"], uprn=spot["uprn"], description="Rubbish dumped"
        )
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    load_after = loadavg()
    timings.sort()
    cpu.sort()

    def pct(values, p):
        return values[min(len(values) - 1, int(p / 100 * len(values)))] * 1000

    n = len(cases)
    print(f"Load average before / after the timed calls: {load_before} / {load_after}")
    print(
        f"Finder over {len(timings):,} calls, wall clock: p50 {pct(timings, 50):.1f} ms, "
        f"p95 {pct(timings, 95):.1f} ms, p99 {pct(timings, 99):.1f} ms, "
        f"max {timings[-1] * 1000:.1f} ms, mean {statistics.mean(timings) * 1000:.1f} ms"
    )
    print(
        f"  CPU time of this process (time.process_time, less sensitive to the load): "
        f"p50 {pct(cpu, 50):.1f} ms, p95 {pct(cpu, 95):.1f} ms, p99 {pct(cpu, 99):.1f} ms, "
        f"mean {statistics.mean(cpu) * 1000:.1f} ms"
    )
    print(
        f"Planted duplicates: original in the top 5 for {in_top5}/{n} ({100 * in_top5 / n:.1f} %)"
    )
    print(
        f"Different reports nearby ranked first: {different_first}/{n} "
        f"({100 * different_first / n:.1f} %)"
    )
    print(
        f"Genuinely new reports called 'probably the same': {false_alarms}/{n} "
        f"({100 * false_alarms / n:.1f} %)"
    )


if __name__ == "__main__":
    main()
