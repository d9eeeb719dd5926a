import logging
import sys

from django.db import OperationalError, connection
from django.http import JsonResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)

# How long to wait before trying again, when the database is down or too slow to answer.
RETRY_AFTER_SECONDS = 30


def health(request):
    """A load balancer's probe: 200 while the database answers, 503 (not a 500 page) when not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except OperationalError:
        logger.warning("health check: the database did not answer", exc_info=True)
        response = JsonResponse({"status": "database unavailable"}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return JsonResponse({"status": "ok"})


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def error_404(request, exception=None):
    if _is_api(request):  # API clients get the documented error body, never an HTML page
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)


def error_500(request):
    if _is_api(request):
        return JsonResponse({"detail": "Something went wrong on our side."}, status=500)
    # Django calls this while handling the exception, so it is still the current one. A database
    # that is down, or a query cancelled by the web statement timeout (WEB_STATEMENT_TIMEOUT),
    # is not a fault in the page: say so plainly, with when to try again, instead of a 500.
    if isinstance(sys.exc_info()[1], OperationalError):
        template = "includes/database_unavailable.html" if _is_htmx(request) else "503.html"
        response = render(request, template, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return render(request, "500.html", status=500)


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"
