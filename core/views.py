from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render


def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
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
    return render(request, "500.html", status=500)
