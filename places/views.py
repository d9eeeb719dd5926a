"""The address picker's search: staff (signed in) and residents (public, rate limited)."""

from django.conf import settings
from django.shortcuts import render

from core.ratelimit import client_ip, rate_limit_hit, too_many_page
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
    """ADDRESS_SEARCH_RATE_LIMIT_PER_MINUTE searches a minute per client address (429 with a
    line the picker shows in place of the results)."""
    decision = rate_limit_hit(
        scope="address-search",
        key=client_ip(request),
        limit=settings.ADDRESS_SEARCH_RATE_LIMIT_PER_MINUTE,
        window=60,
    )
    if not decision.allowed:
        response = too_many_page(
            request, decision=decision, template="places/_address_too_many.html"
        )
        return response
    return _results(request, public=True)
