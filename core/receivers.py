"""Handlers of Django's own signals."""

from core.middleware import session_start


def session_started(sender, request, user, **kwargs):
    """Every sign-in (password, SSO, or a test's force_login) starts the session's clocks."""
    if request is not None and hasattr(request, "session"):
        session_start(request=request)
