"""Content-Security-Policy on every HTML page, and `Cache-Control: no-store` on every answer.

Pages carry no inline script (scripts are static files: `static/js/`), so the policy allows
scripts and styles from this site only; htmx is told not to inject its indicator styles
(`htmx-config` meta tag in the base templates, the styles are in app.css). A view that needs a
different policy (a file download, the API docs) sets the header itself and keeps it.

Every answer the application builds (pages, API answers, downloads, CSV) holds or may hold
personal data, so none may be kept by a browser or a proxy: `no-store` unless the view said
otherwise. Static files are served before this middleware and keep their long caching.
"""

from django.conf import settings


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.get("Content-Type", "").startswith("text/html")
            and "Content-Security-Policy" not in response
        ):
            response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY
        if "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response


def with_policy(policy: str):
    """Give one view its own Content-Security-Policy (kept by the middleware)."""

    def decorate(view):
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response["Content-Security-Policy"] = policy
            return response

        wrapped.__name__ = getattr(view, "__name__", "view")
        wrapped.__wrapped__ = view
        for attr in ("csrf_exempt", "cls", "initkwargs"):
            if hasattr(view, attr):
                setattr(wrapped, attr, getattr(view, attr))
        return wrapped

    return decorate
