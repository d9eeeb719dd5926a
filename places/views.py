"""The address picker's search: staff (signed in) and residents (public, rate limited)."""

from django.shortcuts import render

from places.selectors import address_search


def _results(request, *, public: bool):
    q = request.GET.get("q") or request.GET.get("address_find") or ""
    response = render(
        request,
        "places/_address_results.html",
        {"q": q.strip(), "results": address_search(q=q), "public": public},
    )
    return response


def address_search_staff(request):
    return _results(request, public=False)


def address_search_public(request):
    return _results(request, public=True)
