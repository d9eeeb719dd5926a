"""The check at creation (`match_candidates`) on the import bench's register: wall and CPU time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench \\
        .venv/bin/python bench/creation_check_benchmark.py --register 1000000 --checks 600

The register is `bench/import_benchmark.py`'s (filled once with `--fill-only`; this script
fills it too if it is short). The checks are the import bench's: half near-duplicates of
register people as an agent would type them (a slip in the first name), half new people at
the register's postcodes. Prints p50/p95/p99 of the wall time and of this process's CPU time
per check (`time.process_time`, far less sensitive to other work on the machine), candidates
blocked per check, pairs fully compared per check, and the load average before and after.

`--no-prefilter` scores every blocked pair fully (the pre-filter off), for comparison.
Runs with DEBUG off (as in production: with DEBUG on, Django's cursor wrapper formats and
keeps every query, ~1 ms of CPU a check) unless DEBUG is set in the environment.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")  # DEBUG off needs one

from bench.import_benchmark import fill, person, typo  # noqa: E402 (sets Django up)


def people_to_check(count, register, rng):
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
    return people


def _q(values):
    q = statistics.quantiles(values, n=100)
    return f"p50 {q[49]:.1f} ms, p95 {q[94]:.1f} ms, p99 {q[98]:.1f} ms"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--register", type=int, default=1_000_000)
    parser.add_argument("--checks", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=1, help="check the same people N times")
    parser.add_argument("--no-prefilter", action="store_true")
    args = parser.parse_args()

    from django.conf import settings

    from citizens.matching import match_candidates
    from citizens.matching import matcher as m

    load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())
    fill(args.register)
    compared = [0]
    real_weigh = m._weigh

    def counted(*a, **k):
        compared[0] += 1
        return real_weigh(*a, **k)

    m._weigh = counted
    if args.no_prefilter and hasattr(m, "may_reach"):
        m.may_reach = lambda *a: True
    people = people_to_check(args.checks, args.register, random.Random(15))
    match_candidates(person=people[0])  # parameters into the process's cache
    walls, cpus, found, candidates = [], [], 0, 0
    compared[0] = 0
    for _ in range(args.rounds):
        for p in people:
            t0, c0 = time.perf_counter(), time.process_time()
            matches = match_candidates(person=p)
            walls.append((time.perf_counter() - t0) * 1000)
            cpus.append((time.process_time() - c0) * 1000)
            found += bool(matches)
    for p in people:
        candidates += len(m.candidate_ids(m.record_from_data(p)))
    n = len(walls)
    load_after = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"creation check, {n} checks at {args.register:,}"
        f"{' (pre-filter off)' if args.no_prefilter else ''}, DEBUG {settings.DEBUG}:\n"
        f"  wall {_q(walls)}\n  CPU  {_q(cpus)}, mean {statistics.fmean(cpus):.2f} ms\n"
        f"  {candidates / len(people):.0f} candidates blocked a check, {compared[0] / n:.1f} "
        f"pairs fully compared a check, {found / args.rounds:.0f} of {len(people)} with "
        f"matches; load average {load_before} before, {load_after} after",
        flush=True,
    )


if __name__ == "__main__":
    main()
