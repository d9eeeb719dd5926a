"""Person matching, measured: precision and recall on a labelled register, and its speed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_i15 \\
        .venv/bin/python bench/matching_benchmark.py --people 100000 --load

--load EMPTIES the citizens tables of that database (TRUNCATE … CASCADE: contacts, timeline
and audit rows of citizens go too) and loads the register from `bench/matching_register.py`
(deterministic for a seed: 90 % residents in households, 5 % planted near-duplicates of ten
kinds in equal shares, 5 % look-alike strangers of four kinds). Then:

1. learns the matcher's parameters from the register (`parameters_estimate`), timed;
2. runs the register-wide review (`review_run_all`, the scheduled job's code) with the
   "possible" threshold lowered to --floor so pairs below the bands are kept for the figures,
   timed, with the process's peak memory;
3. prints, at each threshold, precision and recall overall, recall per planted kind and the
   share of look-alike strangers flagged per kind — from the review's pairs;
4. runs the creation check (`match_candidates`, what the create form and the API call) for a
   sample of planted duplicates (typed as an agent would: phones with +44 and spaces, emails
   in capitals), of strangers and of new people, and prints recall/false blocks at the
   blocking threshold and the latency p50/p95/p99.
"""

import argparse
import os
import random
import resource
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from bench.matching_register import DUPLICATE_KINDS, STRANGER_KINDS, generate  # noqa: E402
from citizens.matching import match_candidates  # noqa: E402
from citizens.matching.parameters import (  # noqa: E402
    parameters_estimate,
    parameters_forget,
    parameters_save,
)
from citizens.matching.review import review_start, review_step  # noqa: E402
from citizens.models import (  # noqa: E402
    Address,
    Citizen,
    DuplicatePair,
    DuplicateReviewRun,
    EmailAddress,
    PhoneNumber,
)
from citizens.normalise import (  # noqa: E402
    citizen_reference,
    name_normalise,
    phone_is_mobile,
    postcode_compact,
    search_keys_for,
)


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load(people):
    t0 = time.monotonic()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE citizens_citizen, citizens_duplicatepair, citizens_duplicatereviewrun, "
                "citizens_matchmodel RESTART IDENTITY CASCADE"
            )
    else:
        DuplicatePair.objects.all().delete()
        DuplicateReviewRun.objects.all().delete()
        Citizen.objects.all().delete()
    ids = {}
    batch = 5000
    for start in range(0, len(people), batch):
        chunk = people[start : start + batch]
        citizens = []
        for p in chunk:
            first, middle, last = p["first_name"], p["middle_names"], p["last_name"]
            citizens.append(
                Citizen(
                    reference=citizen_reference(p["key"] + 1),
                    first_name=first,
                    middle_names=middle,
                    last_name=last,
                    date_of_birth=p["date_of_birth"],
                    search_name=name_normalise(f"{first} {middle} {last}"),
                    search_last_name=name_normalise(last),
                    search_keys=search_keys_for(first, middle, last, ""),
                    no_contact_details_reason="" if p["email"] else "Not given",
                )
            )
        Citizen.objects.bulk_create(citizens)
        for p, c in zip(chunk, citizens, strict=True):
            ids[p["key"]] = c.pk
        Address.objects.bulk_create(
            [
                Address(
                    citizen_id=ids[p["key"]],
                    line_1=p["address_line_1"],
                    town=p["town"],
                    postcode=p["postcode"],
                    postcode_compact=postcode_compact(p["postcode"]),
                    uprn=p["uprn"],
                    is_current=True,
                )
                for p in chunk
                if p["postcode"]
            ]
        )
        EmailAddress.objects.bulk_create(
            [EmailAddress(citizen_id=ids[p["key"]], email=p["email"]) for p in chunk if p["email"]]
        )
        PhoneNumber.objects.bulk_create(
            [
                PhoneNumber(
                    citizen_id=ids[p["key"]],
                    number=p["phone"],
                    kind="mobile" if phone_is_mobile(p["phone"]) else "landline",
                )
                for p in chunk
                if p["phone"]
            ]
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("citizens_citizen", "citizens_address", "citizens_emailaddress"):
                cursor.execute(f"ANALYZE {table}")
            cursor.execute("ANALYZE citizens_phonenumber")
    print(f"loaded {len(people):,} people in {time.monotonic() - t0:.0f} s")
    return ids


def typed(p):
    """The values an agent would type for this person (other shapes for phone and email)."""
    values = {k: v for k, v in p.items() if k not in ("key", "sex")}
    if "typed_phone" in p:
        values["phone"] = p["typed_phone"]
    if p.get("typed_email"):
        values["email"] = p["typed_email"]
    return values


def evaluate_review(people, truth, ids, thresholds):
    by_id = {v: k for k, v in ids.items()}
    dup_pairs = {}
    for a, b, kind in truth["duplicates"]:
        dup_pairs[tuple(sorted((ids[a], ids[b])))] = kind
    stranger_pairs = {}
    for a, b, kind in truth["strangers"]:
        stranger_pairs[tuple(sorted((ids[a], ids[b])))] = kind
    scores = list(DuplicatePair.objects.values_list("citizen_a_id", "citizen_b_id", "score"))
    found = {(a, b): s for a, b, s in scores}
    print(f"\nregister review: {len(scores):,} pairs kept (score ≥ floor)")
    per_kind_total = Counter(dup_pairs.values())
    stranger_total = Counter(stranger_pairs.values())
    header = f"{'threshold':>9} {'flagged':>8} {'precision':>9} {'recall':>7}  " + " ".join(
        f"{k[:10]:>10}" for k in DUPLICATE_KINDS
    )
    print(header)
    rows = []
    for t in thresholds:
        flagged = [(p, s) for p, s in found.items() if s >= t]
        tp = [p for p, _s in flagged if p in dup_pairs]
        precision = len(tp) / len(flagged) if flagged else 1.0
        recall = len(tp) / len(dup_pairs)
        kinds = Counter(dup_pairs[p] for p in tp)
        strangers = Counter(stranger_pairs[p] for p, _s in flagged if p in stranger_pairs)
        other_fp = sum(1 for p, _s in flagged if p not in dup_pairs and p not in stranger_pairs)
        rows.append((t, len(flagged), precision, recall, kinds, strangers, other_fp))
        print(
            f"{t:>9.1f} {len(flagged):>8,} {precision:>9.4f} {recall:>7.4f}  "
            + " ".join(f"{kinds[k] / per_kind_total[k]:>10.3f}" for k in DUPLICATE_KINDS)
        )
    print("\nlook-alike strangers flagged (share of each kind) and other false pairs:")
    print(f"{'threshold':>9} " + " ".join(f"{k[:16]:>16}" for k in STRANGER_KINDS) + "  other")
    for t, _n, _p, _r, _k, strangers, other_fp in rows:
        print(
            f"{t:>9.1f} "
            + " ".join(f"{strangers[k] / stranger_total[k]:>16.3f}" for k in STRANGER_KINDS)
            + f"  {other_fp:>5}"
        )
    blocking = settings.MATCH_PROBABLE_SCORE
    missed = [(p, k) for p, k in dup_pairs.items() if found.get(p, -999) < blocking]
    return rows, missed, by_id


def evaluate_creation(people, truth, ids, sample, rng):
    by_key = {p["key"]: p for p in people}
    cases = []
    for kind in DUPLICATE_KINDS:
        pairs = [t for t in truth["duplicates"] if t[2] == kind]
        for orig, dup, _k in rng.sample(pairs, min(sample, len(pairs))):
            cases.append(("duplicate", kind, by_key[dup], ids[dup], ids[orig]))
    for kind in STRANGER_KINDS:
        pairs = [t for t in truth["strangers"] if t[2] == kind]
        for look, stranger, _k in rng.sample(pairs, min(sample, len(pairs))):
            cases.append(("stranger", kind, by_key[stranger], ids[stranger], ids[look]))
    # New people: not in the register at all.
    fresh, _ = generate(2000, seed=rng.randint(1, 10**6), planted_share=0.0)
    for p in rng.sample(fresh, min(sample, len(fresh))):
        p["email"] = ""  # the fresh register's addresses may collide with stored ones
        cases.append(("new", "new_person", p, None, None))
    rng.shuffle(cases)
    times = []
    outcome = defaultdict(Counter)
    for group, kind, person, own_id, other_id in cases:
        t0 = time.perf_counter()
        matches = match_candidates(person=typed(person), exclude_ids=[own_id] if own_id else ())
        times.append((time.perf_counter() - t0) * 1000)
        blocking = {m.citizen_id for m in matches if m.blocks_creation}
        shown = {m.citizen_id for m in matches}
        if group == "duplicate":
            outcome[kind]["n"] += 1
            outcome[kind]["blocked_with_original"] += other_id in blocking
            outcome[kind]["shown_original"] += other_id in shown
        elif group == "stranger":
            outcome[kind]["n"] += 1
            outcome[kind]["blocked_by_lookalike"] += other_id in blocking
            outcome[kind]["blocked"] += bool(blocking)
        else:
            outcome[kind]["n"] += 1
            outcome[kind]["blocked"] += bool(blocking)
    times.sort()
    q = statistics.quantiles(times, n=100)
    print(
        f"\ncreation check: {len(times)} checks, p50 {q[49]:.1f} ms, p95 {q[94]:.1f} ms, "
        f"p99 {q[98]:.1f} ms, max {times[-1]:.1f} ms"
    )
    for kind, c in outcome.items():
        n = c["n"]
        if kind in DUPLICATE_KINDS:
            print(
                f"  {kind:<22} blocked with the original {c['blocked_with_original'] / n:.3f}"
                f"  shown {c['shown_original'] / n:.3f}  (n={n})"
            )
        elif kind in STRANGER_KINDS:
            print(
                f"  {kind:<22} blocked by the look-alike {c['blocked_by_lookalike'] / n:.3f}"
                f"  blocked at all {c['blocked'] / n:.3f}  (n={n})"
            )
        else:
            print(f"  {kind:<22} blocked {c['blocked'] / n:.3f}  (n={n})")
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--load", action="store_true", help="empty and reload the register")
    parser.add_argument("--floor", type=float, default=-12.0)
    parser.add_argument("--sample", type=int, default=100, help="creation checks per kind")
    parser.add_argument("--skip-review", action="store_true")
    args = parser.parse_args()
    print(f"database {connection.vendor} {settings.DATABASES['default'].get('NAME')}")
    print("load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    t0 = time.monotonic()
    people, truth = generate(args.people, seed=args.seed)
    print(f"generated {len(people):,} people in {time.monotonic() - t0:.0f} s")
    postcodes = Counter(p["postcode"] for p in people if p["postcode"])
    addresses = {(p["postcode"], p["address_line_1"]) for p in people if p["postcode"]}
    print(
        f"  {len(postcodes):,} postcodes, {len(addresses) / len(postcodes):.1f} addresses and "
        f"{sum(postcodes.values()) / len(postcodes):.1f} people per postcode; "
        f"{len(truth['duplicates']):,} planted duplicates, {len(truth['strangers']):,} strangers"
    )
    if args.load:
        ids = load(people)
    else:
        stored = Citizen.objects.order_by("id").values_list("id", flat=True)
        ids = {p["key"]: pk for p, pk in zip(people, stored, strict=False)}
    t0 = time.monotonic()
    params = parameters_estimate()
    parameters_save(params)
    print(f"parameters estimated in {time.monotonic() - t0:.0f} s (prior {params.prior:.2e})")
    thresholds = sorted(
        {float(t) for t in range(-10, 21, 2)}
        | {
            settings.MATCH_POSSIBLE_SCORE,
            settings.MATCH_PROBABLE_SCORE,
            settings.MATCH_CERTAIN_SCORE,
        }
    )
    if not args.skip_review:
        possible = settings.MATCH_POSSIBLE_SCORE
        settings.MATCH_POSSIBLE_SCORE = args.floor
        DuplicatePair.objects.all().delete()
        DuplicateReviewRun.objects.all().delete()
        t0 = time.monotonic()
        phases = Counter()
        review_start(force=True)
        while True:
            t1 = time.monotonic()
            phase = DuplicateReviewRun.objects.get().phase
            run = review_step(seconds=20)
            phases[phase] += time.monotonic() - t1
            if run is None or run.status == DuplicateReviewRun.Status.FINISHED:
                break
        took = time.monotonic() - t0
        print("  seconds per phase: " + ", ".join(f"{k} {v:.0f}" for k, v in phases.items()))
        settings.MATCH_POSSIBLE_SCORE = possible
        print(
            f"register review: {took:.0f} s, {run.blocks_done} blocks, "
            f"{run.pairs_scored:,} pairs scored, peak memory {peak_mb():.0f} MB"
        )
        _rows, missed, _by_id = evaluate_review(people, truth, ids, thresholds)
        print(f"\nmissed at the blocking threshold: {Counter(k for _p, k in missed)}")
    parameters_forget()
    evaluate_creation(people, truth, ids, args.sample, random.Random(args.seed))
    print("load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
