"""Which client system an Open311 `api_key` belongs to: the one seam for API keys.

Keys are the council's API tokens (`accounts.ApiToken`: hashed, with expiry and revocation),
made with `create_api_token USERNAME` for the user a reporting app acts as (or a client system's
token); the requests it raises name that user as their author. A read-only token cannot report.
"""

from dataclasses import dataclass

from accounts.tokens import api_token_find, api_token_touch


@dataclass(frozen=True)
class Caller:
    user: object  # the Staff user the client system acts as
    name: str  # shown in request history ("FixMyStreet")
    token_id: int | None = None  # the API token it used (its rate limit is per token)


def open311_caller(api_key: str) -> Caller | None:
    """The caller for a valid, active key that may write; None for a missing, unknown, expired,
    revoked or read-only one, or one whose user is switched off."""
    token = api_token_find(api_key or "")
    if token is None or token.read_only:
        return None
    api_token_touch(token)
    user = token.owner
    return Caller(user=user, name=user.get_full_name() or user.username, token_id=token.pk)
