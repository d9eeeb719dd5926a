"""API tokens: making and revoking them, and the API's token authentication and rate limit.

A key is `crm_<prefix>_<secret>`: 8 random hex characters to find the row, then 32 random bytes.
Only the SHA-256 of the whole key is stored (it has 256 bits of entropy, so a fast hash is
enough); the key itself is returned once by `api_token_create`. Clients send it as
`Authorization: Token <key>` (or `Bearer <key>`).
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.throttling import BaseThrottle

from accounts.models import ApiToken
from accounts.signals import api_token_created, api_token_revoked
from core.ratelimit import client_ip, rate_limit_hit

KEY_PREFIX = "crm_"
LEGACY_PREFIX_LENGTH = 12
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_prefix(key: str) -> str:
    """The non-secret part that finds a key's row ('' when the key cannot be one of ours)."""
    if key.startswith(KEY_PREFIX):
        parts = key.split("_", 2)
        return parts[1] if len(parts) == 3 and len(parts[1]) == 8 else ""
    # Keys carried over from the old plain-text tokens (40 hex characters).
    return key[:LEGACY_PREFIX_LENGTH] if len(key) == 40 else ""


@transaction.atomic
def api_token_create(
    *,
    actor,
    owner,
    name: str,
    expires_at=None,
    read_only: bool = False,
    scopes: list[str] | None = None,
) -> tuple[ApiToken, str]:
    """A new token for `owner`; returns (token, key). The key is never available again."""
    while True:
        prefix = secrets.token_hex(4)
        if not ApiToken.objects.filter(prefix=prefix).exists():
            break
    key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        owner=owner,
        name=name.strip()[:100] or "API token",
        prefix=prefix,
        secret_hash=key_hash(key),
        read_only=read_only,
        scopes=list(scopes or []),
        expires_at=expires_at,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    api_token_created.send(sender=ApiToken, instance=token, actor=actor)
    return token, key


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Stop a token working at once (kept, marked revoked, for the record)."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = actor if actor is not None and actor.is_authenticated else None
        token.save(update_fields=["revoked_at", "revoked_by"])
        api_token_revoked.send(sender=ApiToken, instance=token, actor=actor)
    return token


def api_tokens_revoke_for(*, actor, owner) -> int:
    """Revoke every usable token of `owner`; returns how many."""
    count = 0
    for token in ApiToken.objects.usable().filter(owner=owner):
        api_token_revoke(actor=actor, token=token)
        count += 1
    return count


def api_tokens_access_set(*, owner, read_only: bool, scopes: list[str]) -> int:
    """Give every usable token of `owner` this access (a client system's changed access)."""
    return (
        ApiToken.objects.usable()
        .filter(owner=owner)
        .update(read_only=read_only, scopes=list(scopes))
    )


def api_token_find(key: str) -> ApiToken | None:
    """The usable token for `key`, or None (unknown, wrong secret, expired or revoked)."""
    key = (key or "").strip()
    prefix = key_prefix(key) if len(key) <= 128 else ""
    if not prefix:
        return None
    token = ApiToken.objects.select_related("owner").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.secret_hash, key_hash(key)):
        return None
    if token.status != "active" or not token.owner.is_active:
        return None
    return token


def api_token_touch(token: ApiToken) -> None:
    """Record use, at most once per API_TOKEN_LAST_USED_INTERVAL seconds (not a write per call)."""
    now = timezone.now()
    interval = timedelta(seconds=settings.API_TOKEN_LAST_USED_INTERVAL)
    if token.last_used_at is not None and now - token.last_used_at < interval:
        return
    from django.db.models import Q

    ApiToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - interval), pk=token.pk
    ).update(last_used_at=now)
    token.last_used_at = now


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Token <key>` (or `Bearer <key>`); read-only tokens may not write."""

    keywords = (b"token", b"bearer")

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in self.keywords:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the token as 'Authorization: Token <key>', with no spaces in the key."
            )
        try:
            key = parts[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(
                "The token has characters it cannot have."
            ) from exc
        token = api_token_find(key)
        if token is None:
            raise exceptions.AuthenticationFailed("The token is unknown, expired or revoked.")
        api_token_touch(token)
        self.check(request, token)
        return token.owner, token

    def check(self, request, token: ApiToken) -> None:
        """Refusals that depend on the token (subclasses add their own)."""
        if token.read_only and request.method not in SAFE_METHODS:
            raise exceptions.PermissionDenied("This token is read-only: it may not make changes.")

    def authenticate_header(self, request):
        return "Token"


class ApiRateThrottle(BaseThrottle):
    """API_RATE_LIMIT_PER_MINUTE requests a minute per token (per user for sessions, per
    address for anonymous callers); above it 429 with Retry-After (core.ratelimit)."""

    def allow_request(self, request, view):
        auth = getattr(request, "auth", None)
        if isinstance(auth, ApiToken):
            key = f"token:{auth.pk}"
        elif request.user and request.user.is_authenticated:
            key = f"user:{request.user.pk}"
        else:
            key = f"ip:{client_ip(request)}"
        decision = rate_limit_hit(
            scope="api", key=key, limit=settings.API_RATE_LIMIT_PER_MINUTE, window=60
        )
        self._wait = decision.retry_after
        return decision.allowed

    def wait(self):
        return self._wait


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Documents the token scheme in the OpenAPI schema (drf-spectacular finds it by class)."""

    target_class = "accounts.tokens.ApiTokenAuthentication"
    match_subclasses = True
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "An API token, sent as `Token <key>` (for example "
            "`Token crm_1a2b3c4d_…`). Keys are shown once when made "
            "(`manage.py create_api_token`); they can expire, be "
            "revoked, or be read-only (writes get 403). Requests per token per minute are "
            "limited (429 with `Retry-After`).",
        }
