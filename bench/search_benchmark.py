"""Quick-search latency at register scale, against the naive admin-style baseline.

Run against a PostgreSQL database seeded with `seed_demo --citizens 1000000`:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench \\
        .venv/bin/python bench/search_benchmark.py --queries 200

It builds a deterministic query mix from real rows (exact names, misspelt names, partial names,
postcodes with and without a space, phones in national format, emails, citizen and council-tax
references), times `citizens.search.citizen_search` (server-side: parse, candidates, ranking,
result loading) and the naive `icontains` OR across fields that Django admin's `search_fields`
does, and reports p50/p95 for each plus how often each found the intended person.

The figures need planner statistics: any citizens table never analysed (autovacuum may be off on
a bench server) is analysed first, and the load average is printed before and after, since the
machine may be shared.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402

from citizens.models import Citizen  # noqa: E402
from citizens.normalise import phone_display  # noqa: E402
from citizens.search import citizen_search  # noqa: E402
from verification.models import ServiceAccount  # noqa: E402


def analyse_missing_statistics():
    """ANALYZE citizens tables that have never been analysed (a bulk load leaves none)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE relname LIKE 'citizens_%' "
            "AND last_analyze IS NULL AND last_autoanalyze IS NULL AND n_live_tup > 0"
        )
        for (table,) in cursor.fetchall():
            print(f"analysing {table} (no planner statistics yet)")
            cursor.execute(f'ANALYZE "{table}"')


def load_average():
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def typo(word, rng):
    if len(word) < 4:
        return word
    i = rng.randint(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def build_mix(n, rng):
    max_id = Citizen.objects.order_by("-id").values_list("id", flat=True).first()
    mix = []
    kinds = ["name", "misspelt", "partial", "postcode", "phone", "email", "reference", "account"]
    while len(mix) < n:
        pk = rng.randint(1, max_id)
        c = (
            Citizen.objects.filter(pk__gte=pk, status="active")
            .exclude(first_name="")
            .prefetch_related("addresses", "emails", "phones", "service_accounts")
            .order_by("pk")
            .first()
        )
        if c is None:
            continue
        kind = kinds[len(mix) % len(kinds)]
        a = next(iter(c.addresses.all()), None)
        e = next(iter(c.emails.all()), None)
        p = next(iter(c.phones.all()), None)
        s = next(iter(c.service_accounts.all()), None)
        q = {
            "name": f"{c.first_name} {c.last_name}",
            "misspelt": f"{typo(c.first_name, rng)} {typo(c.last_name, rng)}",
            "partial": f"{c.first_name[:3]} {c.last_name[:4]}",
            "postcode": (a.postcode if rng.random() < 0.5 else a.postcode_compact.lower())
            if a
            else None,
            "phone": phone_display(p.number) if p else None,
            "email": e.email.upper() if e else None,
            "reference": c.reference,
            "account": s.reference if s else None,
        }[kind]
        if q:
            mix.append((kind, q, c.pk))
    return mix


def naive(q):
    """What admin search_fields = [first_name, last_name, emails__email, ...] would run."""
    cond = Q()
    for word in q.split():
        cond &= (
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(reference__icontains=word)
            | Q(emails__email__icontains=word)
            | Q(phones__number__icontains=word)
            | Q(addresses__postcode__icontains=word)
        )
    return list(Citizen.objects.filter(cond).distinct().order_by("last_name", "id")[:25])


def found(pk, ids):
    """The person is listed, or the list is full of people with their exact name and DOB."""
    if pk in ids:
        return True
    if not ids:
        return False
    me = Citizen.objects.get(pk=pk)
    first = Citizen.objects.get(pk=ids[0])
    return (me.search_name, me.date_of_birth) == (first.search_name, first.date_of_birth) or (
        me.search_name == first.search_name and len(ids) >= 25
    )


def timed(func, q):
    start = time.perf_counter()
    results = func(q)
    return (time.perf_counter() - start) * 1000, [c.pk for c in results]


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--naive-queries", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    analyse_missing_statistics()
    total = Citizen.objects.count()
    print(
        f"database: {connection.vendor}, citizens: {total:,}, accounts: "
        f"{ServiceAccount.objects.count():,}; {load_average()}"
    )
    mix = build_mix(args.queries, rng)
    for _kind, q, _pk in mix[:10]:  # warm caches
        citizen_search(query=q)
    rows = {}
    for kind, q, pk in mix:
        ms, ids = timed(lambda text: citizen_search(query=text, limit=25), q)
        rows.setdefault(kind, []).append((ms, found(pk, ids), bool(ids) and ids[0] == pk))
    all_ms = [r[0] for rs in rows.values() for r in rs]
    print(
        f"\nquick search over {len(mix)} queries: p50 {pct(all_ms, 50):.1f} ms, "
        f"p95 {pct(all_ms, 95):.1f} ms, max {max(all_ms):.1f} ms"
    )
    print(f"{'kind':<10} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'found':>7} {'first':>7}")
    for kind, rs in rows.items():
        ms = [r[0] for r in rs]
        print(
            f"{kind:<10} {len(rs):>4} {pct(ms, 50):>8.1f} {pct(ms, 95):>8.1f} "
            f"{sum(r[1] for r in rs) / len(rs):>7.0%} {sum(r[2] for r in rs) / len(rs):>7.0%}"
        )
    sample = mix[: args.naive_queries]
    naive_rows = []
    for kind, q, pk in sample:
        ms, ids = timed(naive, q)
        naive_rows.append((kind, ms, found(pk, ids)))
    nms = [r[1] for r in naive_rows]
    print(
        f"\nnaive icontains OR baseline over {len(sample)} of the same queries: "
        f"p50 {pct(nms, 50):.1f} ms, p95 {pct(nms, 95):.1f} ms"
    )
    found_by_kind = {}
    for kind, _ms, ok in naive_rows:
        found_by_kind.setdefault(kind, []).append(ok)
    print(
        "baseline found: "
        + ", ".join(f"{k} {sum(v) / len(v):.0%}" for k, v in found_by_kind.items())
    )
    qs_sample = [r[0] for kind, rs in rows.items() for r in rs][: len(sample)]
    print(
        f"\nspeed-up at p50: {pct(nms, 50) / pct(all_ms, 50):.0f}x, "
        f"at p95: {pct(nms, 95) / pct(all_ms, 95):.0f}x ({len(qs_sample)} sampled)"
    )
    print(load_average())


if __name__ == "__main__":
    main()
