import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.urls import resolve
from django.utils.cache import patch_vary_headers

# URL names reachable without signing in (by namespace:name or whole namespace).
PUBLIC_URL_NAMES = {
    "accounts:login",
    "core:health",
    "oidc_authentication_init",
    "oidc_authentication_callback",
}
PUBLIC_NAMESPACES = {
    "api",
    "public",
    "help",
    "forms_public",
    "places_public",
    "already_reported",
    "open311",
}
# The API authenticates with tokens; `public` is citizens' tracking pages, `help` the public
# help pages (faq), `forms_public` the public online forms, `places_public` the residents'
# address search, `already_reported` the "already reported?" page; `open311` checks its own
# API keys.


class LoginRequiredMiddleware:
    """Every page but sign-in (and token-authenticated API) needs a signed-in staff member."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.user.is_authenticated:
            return None
        if request.path.startswith(settings.STATIC_URL):
            return None
        match = resolve(request.path_info)
        if match.view_name in PUBLIC_URL_NAMES or set(match.namespaces) & PUBLIC_NAMESPACES:
            return None
        return redirect_to_login(request.get_full_path())


# The idle clock is kept to the minute (SESSION_IDLE_TIMEOUT is many minutes).
ACTIVITY_RESOLUTION = 60


class SessionIdleTimeoutMiddleware:
    """Sign staff out after SESSION_IDLE_TIMEOUT seconds without a request, and always
    SESSION_COOKIE_AGE seconds after they signed in, however busy they were (an absolute
    lifetime: the session does not slide).

    The session is written only when something changes: the time of the last request is
    refreshed at most once a minute, so a busy member of staff's session is not saved (nor
    its cookie sent again) on every request."""

    key = "last_activity"
    started_key = "signed_in_at"
    refresh_every = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            self.check(request, int(time.time()))
        return self.get_response(request)

    def check(self, request, now):
        session = request.session
        started, last = session.get(self.started_key), session.get(self.key)
        if started is not None and now - started >= settings.SESSION_COOKIE_AGE:
            logout(request)
            request.session["signed_out_expired"] = True
        elif last is not None and now - last > settings.SESSION_IDLE_TIMEOUT:
            logout(request)
            request.session["signed_out_idle"] = True
        else:
            if started is None:  # signed in before this rule existed: its lifetime starts now
                session[self.started_key] = now
            if last is None or now - last >= self.refresh_every:
                session[self.key] = now


def session_start(*, request) -> None:
    """At sign-in: the session's absolute lifetime and its idle clock start now."""
    now = int(time.time())
    request.session[SessionIdleTimeoutMiddleware.started_key] = now
    request.session[SessionIdleTimeoutMiddleware.key] = now


class MethodNotAllowedPageMiddleware:
    """A page, not a blank screen, when a browser opens an address that only takes a form's
    post (a bookmarked or typed `/contacts/1/end/`): plain words and a way back, still 405.
    API answers are left as they are."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.method == "GET"
            and not response.content
            and not request.path.startswith("/api/")
        ):
            from django.shortcuts import render

            page = render(request, "405.html", status=405)
            page["Allow"] = response.get("Allow", "")
            return page
        return response


class NulCharacterGuard:
    """A page's query string or form body holding a NUL character gets a plain 400 page.

    PostgreSQL text cannot hold NUL, so a search box or filter value carrying one would otherwise
    fail deep inside a query or the audit row's insert (a 500). Django's form fields already
    refuse NUL; this also covers what views read straight from `request.GET`/`request.POST`.
    The API has its own guard with its own error shape (`core.api.middleware.ApiQueryGuard`).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/") and (
            _holds_nul(request.GET) or (request.method == "POST" and _holds_nul(request.POST))
        ):
            from django.shortcuts import render

            return render(request, "400.html", status=400)
        return self.get_response(request)


def _holds_nul(query_dict) -> bool:
    return any(
        "\x00" in key or any("\x00" in v for v in values) for key, values in query_dict.lists()
    )


class HtmxVaryMiddleware:
    """`Vary: HX-Request` on every HTML answer, set in this one place.

    Pages answer an htmx request with a partial of themselves (`page.html#partial`), so a
    cache must key HTML on that header; setting it here means no view can forget it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            patch_vary_headers(response, ["HX-Request"])
        return response
