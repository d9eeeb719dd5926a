from django.conf import settings
from django.http import JsonResponse


class ApiQueryGuard:
    """Under /api/: a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE gets 413 before anything
    reads it (DRF parses the raw stream, which Django does not limit), and query parameters
    with a NUL character get a plain 400 (PostgreSQL text, and so every search and audit row,
    cannot hold one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if limit is not None and length > limit:
                return JsonResponse(
                    {"detail": f"The body is larger than {limit // 1024} KB."}, status=413
                )
            bad = sorted(
                {k for k, v in request.GET.lists() if "\x00" in k or any("\x00" in x for x in v)}
            )
            if bad:
                return JsonResponse(
                    {
                        name.replace("\x00", "") or "query": ["Remove the NUL character."]
                        for name in bad
                    },
                    status=400,
                )
        return self.get_response(request)
