"""Which client system an Open311 `api_key` belongs to: the one seam for API keys.

Keys are the council's API tokens (`create_api_token USERNAME` for the user a reporting app
acts as); the requests it raises name that user as their author. When client systems have their
own users and scoped tokens, point `open311_caller` at them: callers only use its answer.
"""

from dataclasses import dataclass

from rest_framework.authtoken.models import Token


@dataclass(frozen=True)
class Caller:
    user: object  # the Staff user the client system acts as
    name: str  # shown in request history ("FixMyStreet")


def open311_caller(api_key: str) -> Caller | None:
    """The caller for a valid, active API key; None for a missing, unknown or disabled one."""
    key = (api_key or "").strip()
    if not key or len(key) > 128:
        return None
    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active:
        return None
    user = token.user
    return Caller(user=user, name=user.get_full_name() or user.username)
