from django.http import JsonResponse


class ApiQueryGuard:
    """Query parameters with a NUL character get a plain 400 under /api/ (PostgreSQL text, and
    so every search and audit row, cannot hold one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
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
