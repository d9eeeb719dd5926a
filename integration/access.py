"""What a client system's token may do: checked when the token authenticates, before any view.

- a system switched off: 401 (its tokens stop working at once);
- a request from outside its IP allow-list: 403;
- a write from a read-only system: 403;
- more requests per minute than its limit, across all its tokens: 429 with `Retry-After`.
Which service-account types it may write is checked by the service-account sync itself.
"""

import ipaddress
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from core.actors import Actor

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def client_ip(request) -> str:
    """The caller's address, counting PROXY_COUNT trusted proxies in X-Forwarded-For."""
    proxies = getattr(settings, "PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def ip_allowed(system, address: str) -> bool:
    networks = [line.strip() for line in system.ip_allow_list.splitlines() if line.strip()]
    if not networks:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False) for net in networks)


def rate_limit_hit(system) -> int:
    """Count one request for the system; 0 if allowed, else seconds until it may try again."""
    window = int(time.time() // 60)
    key = f"client-system-rate:{system.pk}:{window}"
    try:
        cache.add(key, 0, timeout=120)
        count = cache.incr(key)
    except Exception:  # a broken cache must not stop the API
        return 0
    if count > system.rate_limit_per_minute:
        return 60 - int(time.time()) % 60
    return 0


def client_system_check(request, user) -> None:
    system = getattr(user, "client_system", None)
    if system is None:
        return
    if not system.active:
        raise exceptions.AuthenticationFailed(f"The client system {system.name} is switched off.")
    if not ip_allowed(system, client_ip(request)):
        raise exceptions.PermissionDenied(
            f"Requests for {system.name} are not accepted from this address."
        )
    if system.read_only and request.method not in SAFE_METHODS:
        raise exceptions.PermissionDenied(f"{system.name} has read-only access.")
    wait = rate_limit_hit(system)
    if wait:
        raise exceptions.Throttled(
            wait=wait,
            detail=f"{system.name} may send {system.rate_limit_per_minute} requests a minute.",
        )
    # Everything written with this user's token names the system (core.actors).
    user.acting_as = Actor.client_system(name=system.name, user=user)


class ClientSystemTokenAuthentication(TokenAuthentication):
    """The API token authentication, plus the client system's scopes for its tokens."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            client_system_check(request, result[0])
        return result
