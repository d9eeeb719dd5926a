"""Service-account upserts over HTTP with 8 concurrent clients.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench \\
        .venv/bin/python bench/sync_benchmark.py --clients 8 --requests 200 --port 8016

Starts gunicorn (2 workers × 4 threads) on the port against DATABASE_URL, registers a client
system with a token, makes the citizens the accounts belong to, then has N client threads each
PUT `requests` accounts (half new, half updates of accounts already pushed, each with an
Idempotency-Key) through real HTTP, and prints throughput and latency (p50/p95/max).
"""

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import requests  # noqa: E402

from citizens.models import Citizen  # noqa: E402
from integration.models import ClientSystem  # noqa: E402
from integration.services import client_system_save, client_system_token_issue  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--port", type=int, default=8016)
    args = parser.parse_args()
    system = ClientSystem.objects.filter(slug="bench").first() or client_system_save(
        actor=None,
        system=ClientSystem(
            name="Bench revenues",
            slug="bench",
            access="read_write",
            service_account_kinds=["council_tax"],
            rate_limit_per_minute=1_000_000,
        ),
    )
    token = client_system_token_issue(actor=None, system=system)
    people = list(
        Citizen.objects.filter(status="active").values_list("reference", flat=True)[
            : args.clients * args.requests
        ]
    )
    if len(people) < args.clients * args.requests:
        sys.exit("Not enough citizens: run bench/import_benchmark.py (or seed_demo) first.")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            "-w",
            "2",
            "--threads",
            "4",
            "-b",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
        ],
        # The per-system limit above is the one measured; the per-token API limit is off.
        env={**os.environ, "DEBUG": "1", "API_RATE_LIMIT_PER_MINUTE": "0"},
    )
    base = f"http://127.0.0.1:{args.port}/api/v1/service-accounts/bench/"
    try:
        for _ in range(60):
            try:
                requests.get(f"http://127.0.0.1:{args.port}/health/", timeout=10)
                break
            except requests.RequestException:  # not listening yet, or slow to answer
                time.sleep(0.5)
        run = uuid.uuid4().hex[:6].upper()
        times, statuses, errors, lock = [], [], [], threading.Lock()

        def client(n):
            session = requests.Session()
            session.headers["Authorization"] = f"Token {token}"
            for i in range(args.requests):
                ref = f"B{run}{n:02d}{i // 2:05d}"  # each account pushed twice: create, update
                body = {
                    "kind": "council_tax",
                    "citizen_reference": people[n * args.requests + i // 2],
                    "snapshot": {"band": "C", "balance": f"{i}.00"},
                    "security_answers": {"property_postcode": "SW1A 1AA"},
                }
                start = time.perf_counter()
                response = session.put(
                    base + ref + "/",
                    json=body,
                    timeout=60,
                    headers={"Idempotency-Key": f"{ref}-{i}"},
                )
                took = (time.perf_counter() - start) * 1000
                with lock:
                    times.append(took)
                    statuses.append(response.status_code)
                    if response.status_code >= 400 and not errors:
                        errors.append(response.text[:300])

        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - start
        times.sort()
        counts = {s: statuses.count(s) for s in sorted(set(statuses))}
        print(
            f"{len(times)} PUTs by {args.clients} clients in {wall:.1f} s: "
            f"{len(times) / wall:.1f} upserts/s; p50 {statistics.median(times):.0f} ms, "
            f"p95 {times[int(len(times) * 0.95) - 1]:.0f} ms, max {times[-1]:.0f} ms; "
            f"statuses {counts}"
        )
        if errors:
            print(f"first error answer: {errors[0]}")
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
