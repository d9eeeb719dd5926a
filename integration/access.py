"""What a client system's token may do: checked when the token authenticates, before any view.

Client systems' tokens are API tokens (`accounts.ApiToken`) of the system's own user, issued
with scopes (`client_system_scopes`: read or write, and the service-account types it may write)
and read-only when the system is. On top of the token's own checks (hash, expiry, revocation,
read-only), live from the system's row:

- a system switched off: 401 (its tokens stop working at once);
- a request from outside its IP allow-list: 403;
- a write from a read-only system: 403;
- more requests per minute than its limit, across all its tokens: 429 with `Retry-After`
  (`core.ratelimit`, the project's one limiter).
Which service-account types it may write is checked by the service-account sync itself.
"""

from rest_framework import exceptions

from accounts.tokens import SAFE_METHODS, ApiTokenAuthentication
from core.actors import Actor
from core.ratelimit import client_ip, ip_in_networks, rate_limit_hit

READ_SCOPE = "read"
WRITE_SCOPE = "write"


def service_account_scope(kind: str) -> str:
    return f"service_account:{kind}"


def client_system_scopes(system) -> list[str]:
    """The scopes a new token of the system gets."""
    if system.read_only:
        return [READ_SCOPE]
    return [
        READ_SCOPE,
        WRITE_SCOPE,
        *(service_account_scope(kind) for kind in system.service_account_kinds),
    ]


def ip_allowed(system, address: str) -> bool:
    networks = [line.strip() for line in system.ip_allow_list.splitlines() if line.strip()]
    return not networks or ip_in_networks(address, networks)


def client_system_check(request, user, token=None) -> None:
    system = getattr(user, "client_system", None)
    if system is None:
        return
    if not system.active:
        raise exceptions.AuthenticationFailed(f"The client system {system.name} is switched off.")
    if not ip_allowed(system, client_ip(request)):
        raise exceptions.PermissionDenied(
            f"Requests for {system.name} are not accepted from this address."
        )
    writing = request.method not in SAFE_METHODS
    if writing and (system.read_only or (token is not None and not token.has_scope(WRITE_SCOPE))):
        raise exceptions.PermissionDenied(f"{system.name} has read-only access.")
    decision = rate_limit_hit(
        scope="client-system",
        key=str(system.pk),
        limit=system.rate_limit_per_minute,
        window=60,
    )
    if not decision.allowed:
        raise exceptions.Throttled(
            wait=decision.retry_after,
            detail=f"{system.name} may send {system.rate_limit_per_minute} requests a minute.",
        )
    # Everything written with this user's token names the system (core.actors).
    user.acting_as = Actor.client_system(name=system.name, user=user)


class ClientSystemTokenAuthentication(ApiTokenAuthentication):
    """The API token authentication, plus the client system's scopes for its tokens."""

    def check(self, request, token) -> None:
        client_system_check(request, token.owner, token)
        super().check(request, token)
