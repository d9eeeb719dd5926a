"""A small per-client request limit for the public help pages.

SEAM: issue #11 is building the project's shared rate-limit module; once it lands, the help
pages move to it and this file goes. Fixed one-minute windows counted in the cache (Redis in
production, so every worker shares the count).
"""

import time

from django.conf import settings
from django.core.cache import cache

HELP_REQUESTS_PER_MINUTE = 120


def client_ip(request) -> str:
    """The client's address, trusting PROXY_COUNT proxies' X-Forwarded-For entries."""
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0) or 0
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def limit_exceeded(request, *, scope: str, limit: int, window: int = 60) -> int:
    """0 when the request may go ahead, else the seconds until the window resets."""
    now = int(time.time())
    start = now - now % window
    key = f"throttle:{scope}:{client_ip(request)}:{start}"
    if cache.add(key, 1, timeout=window + 5):
        return 0
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 5)
        return 0
    return 0 if count <= limit else max(1, start + window - now)
