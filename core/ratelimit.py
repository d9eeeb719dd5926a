"""The one rate limiter: a sliding window counted in Django's cache.

Redis in production (every web process shares the counts), local memory in the SQLite demo.
Each limit is a `scope` (what is limited, e.g. "tracking-post"), a `key` (who: an address, a
token, a user), a `limit` and a `window` in seconds. The count is the sliding-window estimate
used by large proxies: this fixed window's hits plus the previous window's, weighted by how much
of it still overlaps the last `window` seconds — no burst of twice the limit at a window edge,
and two cache keys per limit. A refused hit is not counted, so a client that waits
`retry_after` seconds gets through. A broken cache lets requests through (never an outage).

    decision = rate_limit_hit(scope="help", key=client_ip(request), limit=120, window=60)
    if not decision.allowed: ...answer 429 with Retry-After: decision.retry_after
"""

import contextlib
import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int = 0  # seconds until a hit would be allowed (0 when allowed)
    count: float = 0.0  # the sliding-window count, this hit included when allowed


ALLOWED = Decision(allowed=True)


def client_ip(request) -> str:
    """The caller's address, trusting the last PROXY_COUNT hops of X-Forwarded-For."""
    proxies = getattr(settings, "PROXY_COUNT", 0) or 0
    if proxies:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def ip_in_networks(address: str, networks) -> bool:
    """Whether `address` is inside any of `networks` (CIDRs or single addresses)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for net in networks:
        try:
            if ip in ipaddress.ip_network(str(net).strip(), strict=False):
                return True
        except ValueError:
            continue
    return False


def _now() -> float:
    return time.time()


def _key(scope: str, key: str, start: int) -> str:
    return f"rl:{scope}:{key}:{start}"


def _retry_after(*, previous: int, current: int, limit: int, window: int, elapsed: float) -> int:
    """Seconds until previous*(1 - (elapsed+t)/window) + current + 1 <= limit."""
    if current + 1 > limit:
        # Wait for this window to end; then this window's hits weigh in as the previous ones.
        rest = window - elapsed
        wait = rest + (window * (1 - (limit - 1) / current) if current else 0)
    else:
        wait = window * (1 - (limit - current - 1) / previous) - elapsed if previous else 0
    return max(1, math.ceil(wait))


def _counts(scope: str, key: str, window: int, now: float) -> tuple[int, int, float, str]:
    start = int(now // window) * window
    elapsed = now - start
    previous = cache.get(_key(scope, key, start - window)) or 0
    return int(previous), start, elapsed, _key(scope, key, start)


def rate_limit_hit(*, scope: str, key: str, limit: int, window: int) -> Decision:
    """Count one hit for `key`; refuse it (uncounted) when the limit is reached. limit 0: off."""
    if limit <= 0:
        return ALLOWED
    now = _now()
    try:
        previous, _start, elapsed, current_key = _counts(scope, key, window, now)
        if cache.add(current_key, 1, timeout=2 * window + 5):
            current = 1
        else:
            try:
                current = cache.incr(current_key)
            except ValueError:  # expired between add and incr
                cache.add(current_key, 1, timeout=2 * window + 5)
                current = 1
        weighted = previous * (1 - elapsed / window) + current
        if weighted <= limit:
            return Decision(allowed=True, count=weighted)
        with contextlib.suppress(ValueError):
            cache.decr(current_key)
    except Exception:  # noqa: BLE001 — a broken cache must not stop the service
        return ALLOWED
    return Decision(
        allowed=False,
        retry_after=_retry_after(
            previous=previous, current=current - 1, limit=limit, window=window, elapsed=elapsed
        ),
        count=weighted - 1,
    )


def rate_limit_peek(*, scope: str, key: str, limit: int, window: int) -> Decision:
    """Whether one more hit would be allowed, without counting it."""
    if limit <= 0:
        return ALLOWED
    now = _now()
    try:
        previous, _start, elapsed, current_key = _counts(scope, key, window, now)
        current = int(cache.get(current_key) or 0)
    except Exception:  # noqa: BLE001
        return ALLOWED
    weighted = previous * (1 - elapsed / window) + current
    if weighted + 1 <= limit:
        return Decision(allowed=True, count=weighted)
    return Decision(
        allowed=False,
        retry_after=_retry_after(
            previous=previous, current=current, limit=limit, window=window, elapsed=elapsed
        ),
        count=weighted,
    )


def rate_limit_reset(*, scope: str, key: str, window: int) -> None:
    """Forget `key`'s hits (for example after a successful sign-in)."""
    start = int(_now() // window) * window
    cache.delete_many([_key(scope, key, start), _key(scope, key, start - window)])


def once_per(*, scope: str, key: str, window: int) -> bool:
    """True the first time `key` is seen in this fixed window of `window` seconds (for work done
    at most once a window, like auditing a public page per link per hour). True if the cache is
    broken: doing the work twice is better than never."""
    start = int(_now() // window) * window
    try:
        return bool(cache.add(_key(scope, key, start), 1, timeout=window + 5))
    except Exception:  # noqa: BLE001
        return True


def wait_words(seconds: int) -> str:
    """'45 seconds', '1 minute', 'about 3 minutes', 'about 2 hours'."""
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    if minutes < 90:
        return f"{'about ' if seconds % 60 else ''}{minutes} minute{'s' if minutes != 1 else ''}"
    return f"about {round(minutes / 60)} hours"


def too_many_page(request, *, decision: Decision, template: str, context=None):
    """The 429 page in plain words, with `Retry-After` (`wait`, `wait_words` in the context)."""
    wait = max(1, decision.retry_after)
    page = {
        "council_name": settings.COUNCIL_NAME,
        "wait": wait,
        "wait_words": wait_words(wait),
        **(context or {}),
    }
    response = render(request, template, page, status=429)
    response["Retry-After"] = str(wait)
    response["Cache-Control"] = "no-store"
    return response
