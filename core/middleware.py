import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.urls import resolve

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
    """Sign staff out after SESSION_IDLE_TIMEOUT seconds without a request."""

    key = "last_activity"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(self.key)
            if last is not None and now - last > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                request.session["signed_out_idle"] = True
            elif last is None or now - last >= ACTIVITY_RESOLUTION:
                # Not on every request: a session write is three statements on every page.
                request.session[self.key] = now
        return self.get_response(request)


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
