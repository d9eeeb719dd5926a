"""Sign-in lockout beyond django-axes' per-username count.

- **Cool-off per who is asking** (`cool_off`, axes' AXES_COOLOFF_TIME): after
  AXES_FAILURE_LIMIT failures a username is locked. The address that made the failures waits
  SIGN_IN_COOLOFF_MINUTES; anyone else (the real member of staff at their desk) waits only
  SIGN_IN_USERNAME_COOLOFF_MINUTES after the last failure, so a stranger who types a
  colleague's name ten times cannot keep them out for long.
  Further tries from that address are refused before axes sees them
  (`SignInView.post`), so they do not keep the lock fresh for everyone else.
- **Password spraying** (`sign_in_address_refusal` / `sign_in_failure_count`): failed sign-ins
  are also counted per client address across every username (core.ratelimit); past
  SIGN_IN_IP_FAILURE_LIMIT in SIGN_IN_IP_WINDOW_MINUTES the address gets 429 before any
  password is checked. The council's own egress addresses (SIGN_IN_TRUSTED_NETWORKS, CIDRs) are
  exempt, so a contact centre behind one NAT address is never locked out together; their
  usernames still lock one by one.
"""

from datetime import timedelta

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from core.ratelimit import (
    Decision,
    client_ip,
    ip_in_networks,
    rate_limit_hit,
    rate_limit_peek,
    wait_words,
)

SCOPE = "sign-in-failures"


def _full() -> timedelta:
    return timedelta(minutes=settings.SIGN_IN_COOLOFF_MINUTES)


def locked_by_this_address(request) -> bool:
    """Whether this address itself made the failures that locked the username it posts."""
    username = (request.POST.get("username") or "").strip() if request.method == "POST" else ""
    if not username:
        return False
    from axes.models import AccessAttempt

    return AccessAttempt.objects.filter(
        username=username,
        ip_address=getattr(request, "axes_ip_address", None) or client_ip(request),
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=timezone.now() - _full(),
    ).exists()


def cool_off(request=None) -> timedelta:
    """How long this sign-in attempt's username stays locked (axes calls it with the request)."""
    if request is None or locked_by_this_address(request):
        return _full()
    return timedelta(minutes=settings.SIGN_IN_USERNAME_COOLOFF_MINUTES)


def lockout_response(request, original_response=None, credentials=None):
    """axes' AXES_LOCKOUT_CALLABLE: the locked page saying how long, 429."""
    minutes = int(cool_off(request).total_seconds() // 60)
    response = render(
        request,
        "accounts/locked_out.html",
        {"minutes": minutes, "wait_words": wait_words(minutes * 60)},
        status=429,
    )
    response["Retry-After"] = str(minutes * 60)
    return response


def _trusted(address: str) -> bool:
    return ip_in_networks(address, settings.SIGN_IN_TRUSTED_NETWORKS)


def _window() -> int:
    return settings.SIGN_IN_IP_WINDOW_MINUTES * 60


def sign_in_address_refusal(request) -> Decision | None:
    """A refusal when this address has failed too often across usernames, else None."""
    address = client_ip(request)
    if _trusted(address):
        return None
    decision = rate_limit_peek(
        scope=SCOPE, key=address, limit=settings.SIGN_IN_IP_FAILURE_LIMIT, window=_window()
    )
    return None if decision.allowed else decision


def sign_in_failure_count(request) -> None:
    """Count one failed sign-in against the address (not for trusted networks)."""
    address = client_ip(request)
    if not _trusted(address):
        rate_limit_hit(
            scope=SCOPE, key=address, limit=settings.SIGN_IN_IP_FAILURE_LIMIT, window=_window()
        )
