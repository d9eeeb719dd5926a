"""Secure links to a request's public tracking page, and followers' confirm and stop links.

The token is the request's id signed with SECRET_KEY and a salt of its own (django.core.signing
Signer, no timestamp: links do not expire and stay the same for a request),
so it cannot be guessed or altered to reach another request; the plain id never appears alone.
Rotating SECRET_KEY (without SECRET_KEY_FALLBACKS) invalidates links already sent.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from requests_tracking.models import Request

SALT = "requests_tracking.public.track"


def tracking_token(service_request: Request) -> str:
    """The same token every time for a request (no timestamp), so every message links alike."""
    return signing.Signer(salt=SALT).sign_object(service_request.pk)


def tracking_path(service_request: Request) -> str:
    return reverse("public:track", kwargs={"token": tracking_token(service_request)})


def tracking_url(service_request: Request) -> str:
    """The absolute link sent to citizens (PUBLIC_BASE_URL + the path)."""
    return settings.PUBLIC_BASE_URL.rstrip("/") + tracking_path(service_request)


def request_pk_from_token(token: str) -> int | None:
    """The request id a token was made for, or None when it is forged, altered or garbled."""
    try:
        pk = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return pk if isinstance(pk, int) and not isinstance(pk, bool) else None


FOLLOWER_VIEW_SALT = "requests_tracking.follower.view"


def follower_view_path(service_request: Request) -> str:
    """The page a follower's messages link to: what anyone may know about the request (its
    kind, stage and dates), never the reporter's description, notes, questions or files.
    A salt of its own, so this token cannot open the reporter's tracking page."""
    token = signing.Signer(salt=FOLLOWER_VIEW_SALT).sign_object(service_request.pk)
    return reverse("public:follower_view", kwargs={"token": token})


def follower_view_url(service_request: Request) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + follower_view_path(service_request)


def request_pk_from_follower_view_token(token: str) -> int | None:
    try:
        pk = signing.Signer(salt=FOLLOWER_VIEW_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return pk if isinstance(pk, int) and not isinstance(pk, bool) else None


CONFIRM_SALT = "requests_tracking.follower.confirm"
STOP_SALT = "requests_tracking.follower.stop"


def _absolute(path: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def follower_confirm_url(follower) -> str:
    """The link in the first email to an address signed up for updates (expiry is checked
    against the sign-up's date, so the token itself carries none)."""
    token = signing.Signer(salt=CONFIRM_SALT).sign_object(follower.pk)
    return _absolute(reverse("public:follower_confirm", kwargs={"token": token}))


def follower_id_from_confirm_token(token: str) -> int | None:
    try:
        pk = signing.Signer(salt=CONFIRM_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return pk if isinstance(pk, int) and not isinstance(pk, bool) else None


def follower_stop_url(*, follower_id: int | None = None, request_id=None, citizen_id=None):
    """One-click link to stop updates: for an email follower (its id) or for a citizen on
    record following a request (request id and citizen id)."""
    value = ["e", follower_id] if follower_id is not None else ["c", request_id, citizen_id]
    token = signing.Signer(salt=STOP_SALT).sign_object(value)
    return _absolute(reverse("public:follower_stop", kwargs={"token": token}))


def follower_from_stop_token(token: str) -> tuple[str, tuple] | None:
    """("email", (follower id,)) or ("citizen", (request id, citizen id)), or None."""
    try:
        value = signing.Signer(salt=STOP_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(value, list) or not value:
        return None
    ids = tuple(value[1:])
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        return None
    if value[0] == "e" and len(ids) == 1:
        return "email", ids
    if value[0] == "c" and len(ids) == 2:
        return "citizen", ids
    return None
