"""The register-wide duplicate review on an existing register: time, memory, and how far it got.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench \\
        .venv/bin/python bench/review_benchmark.py --seconds 600 [--fresh]

Runs the scheduled job's own code (`citizens.matching.review.review_step`, one block per
transaction, cursor saved after each) for up to --seconds, printing after every step the phase,
the share of that phase's keys done, blocks, pairs scored and queued, peak memory and the load
average. Stopped before the end, it carries on from its cursor next time (that is the resume)
and extrapolates the whole run from each phase's rate: say so when quoting the figure.
Use the register of bench/import_benchmark.py (1,000,000 people) or any other.
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from datetime import date  # noqa: E402

from citizens.matching.review import review_start, review_step  # noqa: E402
from citizens.models import Address, Citizen, DuplicateReviewRun, PhoneNumber  # noqa: E402


def share_done(phase, cursor):
    """How much of the phase's keys lie at or before the cursor (0..1)."""
    if not cursor:
        return 0.0
    if phase == "dates_of_birth":
        rows = Citizen.objects.exclude(date_of_birth=None)
        return rows.filter(date_of_birth__lte=date.fromisoformat(cursor)).count() / max(
            rows.count(), 1
        )
    if phase == "postcodes":
        rows = Address.objects.exclude(postcode_compact="")
        return rows.filter(postcode_compact__lte=cursor).count() / max(rows.count(), 1)
    rows = PhoneNumber.objects.all()
    return rows.filter(number__lte=cursor).count() / max(rows.count(), 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--step", type=float, default=30)
    parser.add_argument("--fresh", action="store_true", help="abandon a running review first")
    args = parser.parse_args()
    if args.fresh:
        DuplicateReviewRun.objects.filter(status=DuplicateReviewRun.Status.RUNNING).delete()
    review_start(force=True)
    print(
        f"register {Citizen.objects.count():,}; load average "
        + " ".join(f"{x:.1f}" for x in os.getloadavg()),
        flush=True,
    )
    started = time.monotonic()
    phase_time: dict[str, float] = {}
    run = None
    while time.monotonic() - started < args.seconds:
        t0 = time.monotonic()
        run = review_step(seconds=args.step)
        if run is None:
            print("no run to work on (another worker holds it?)")
            break
        phase_time[run.phase] = phase_time.get(run.phase, 0.0) + time.monotonic() - t0
        done = 1.0 if run.status == "finished" else share_done(run.phase, run.cursor)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        rss, cpu = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime
        print(
            f"{time.monotonic() - started:7.0f} s (CPU {cpu:.0f} s)  {run.phase:15} "
            f"{done:6.1%} of the phase  "
            f"blocks {run.blocks_done:5}  scored {run.pairs_scored:,}  queued "
            f"{run.pairs_queued:,}  peak RSS {rss:.0f} MB  load "
            + " ".join(f"{x:.1f}" for x in os.getloadavg()),
            flush=True,
        )
        if run.status == "finished":
            print(f"finished in {run.seconds:.0f} s of block work")
            return
    if run and run.status != "finished":
        done = share_done(run.phase, run.cursor)
        if done:
            estimate = phase_time[run.phase] / done
            print(
                f"stopped in phase {run.phase} at {done:.1%}: that phase at this rate "
                f"≈ {estimate:.0f} s in all (phases before it took "
                f"{sum(t for p, t in phase_time.items() if p != run.phase):.0f} s)"
            )


if __name__ == "__main__":
    main()
