"""What a hashed API token and the rate limiter cost per API request.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/api_auth_benchmark.py --tokens 10000 --repeat 2000

Makes (once) that many tokens, then times `accounts.tokens.api_token_find` (one indexed SELECT
by prefix and a SHA-256) for random keys, `api_token_touch` when nothing is due (no write), and
`core.ratelimit.rate_limit_hit` on the configured cache (Redis when REDIS_URL is set) and on
local memory; prints p50/p95/max in milliseconds.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import caches  # noqa: E402
from django.core.cache.backends.locmem import LocMemCache  # noqa: E402

from accounts.models import ApiToken, Staff  # noqa: E402
from accounts.tokens import api_token_create, api_token_find, api_token_touch  # noqa: E402
from core import ratelimit  # noqa: E402


def _times(func, repeat):
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        out.append((time.perf_counter() - start) * 1000)
    out.sort()
    return out


def _report(name, times):
    p95 = times[int(len(times) * 0.95) - 1]
    print(
        f"{name:<40} p50 {statistics.median(times):7.3f} ms  "
        f"p95 {p95:7.3f} ms  max {times[-1]:7.3f} ms"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tokens", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args()
    owner, _ = Staff.objects.get_or_create(username="bench-api-tokens")
    keys = []
    have = ApiToken.objects.filter(owner=owner).count()
    for n in range(have, args.tokens):
        keys.append(api_token_create(actor=None, owner=owner, name=f"bench {n}")[1])
    if not keys:  # keys are never stored: make a few fresh ones to look up
        keys = [api_token_create(actor=None, owner=owner, name="bench")[1] for _ in range(100)]
    print(f"{ApiToken.objects.count()} tokens; {len(keys)} keys known to the benchmark")
    _report("api_token_find", _times(lambda: api_token_find(random.choice(keys)), args.repeat))
    token = api_token_find(keys[0])
    api_token_touch(token)
    _report(
        "api_token_touch (not due: no write)", _times(lambda: api_token_touch(token), args.repeat)
    )
    backend = type(caches["default"]).__name__
    _report(
        f"rate_limit_hit ({backend})",
        _times(
            lambda: ratelimit.rate_limit_hit(
                scope="bench", key=str(random.randrange(1000)), limit=10**9, window=60
            ),
            args.repeat,
        ),
    )
    ratelimit.cache = LocMemCache("bench", {})
    _report(
        "rate_limit_hit (LocMemCache)",
        _times(
            lambda: ratelimit.rate_limit_hit(
                scope="bench", key=str(random.randrange(1000)), limit=10**9, window=60
            ),
            args.repeat,
        ),
    )


if __name__ == "__main__":
    main()
