"""Rate limits for the public form pages and uploads, per client address.

SEAM until the hardening issue's (#11) shared rate-limit module lands: a fixed-window counter in
the cache (Redis in production, so all web processes share it). Switch the decorator's body to
that module when it lands; the limits stay in settings.
"""

import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render


def client_address(request) -> str:
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [h.strip() for h in forwarded.split(",") if h.strip()]
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0) or 0
    if proxies and len(hops) >= proxies:
        return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "unknown")


def _over(scope: str, who: str, limit: int, window: int) -> int:
    """0 when under the limit, else the seconds until the window ends."""
    if limit <= 0:
        return 0
    now = int(time.time())
    start = now - now % window
    key = f"forms-rl:{scope}:{who}:{start}"
    if cache.add(key, 1, timeout=window + 5):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:
            cache.add(key, 1, timeout=window + 5)
            count = 1
    return 0 if count <= limit else (start + window - now) or 1


def public_rate_limit(view):
    """Pages: FORMS_RATE_LIMIT_PAGES a minute; posts: FORMS_RATE_LIMIT_POSTS a minute; posts with
    files: FORMS_RATE_LIMIT_UPLOADS an hour — per client address; 429 with Retry-After."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        who = client_address(request)
        wait = _over("page", who, settings.FORMS_RATE_LIMIT_PAGES, 60)
        if not wait and request.method == "POST":
            wait = _over("post", who, settings.FORMS_RATE_LIMIT_POSTS, 60)
            if not wait and request.FILES:
                wait = _over("upload", who, settings.FORMS_RATE_LIMIT_UPLOADS, 3600)
        if wait:
            response = render(
                request,
                "forms_engine/public/too_many.html",
                {"council_name": settings.COUNCIL_NAME, "wait": wait},
                status=429,
            )
            response["Retry-After"] = str(wait)
            return response
        return view(request, *args, **kwargs)

    return wrapper
