"""Secure links to a request's public tracking page.

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
