"""Public help pages: residents list, search and read published public articles.

Never shown here: staff-only articles, the internal section of any article, drafts, articles in
review and archived ones (404). Requests are limited per client (429 with Retry-After).
"""

from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from core.ratelimit import client_ip, rate_limit_hit, too_many_page
from faq import selectors
from faq.models import Article, SearchLog
from faq.search import article_search
from faq.services import public_open_record, search_record
from organisation.models import ServiceArea


def _limited(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        decision = rate_limit_hit(
            scope="help",
            key=client_ip(request),
            limit=settings.HELP_RATE_LIMIT_PER_MINUTE,
            window=60,
        )
        if not decision.allowed:
            return too_many_page(request, decision=decision, template="faq/public_429.html")
        response = view(request, *args, **kwargs)
        patch_cache_control(response, private=True, max_age=0)
        return response

    return wrapped


def _ctx(**kwargs):
    return {"council_name": settings.COUNCIL_NAME, **kwargs}


@_limited
def help_list(request):
    query = (request.GET.get("q") or "").strip()[:200]
    area = ServiceArea.objects.active().filter(slug=request.GET.get("area") or "").first()
    result = search_id = articles = None
    if query:
        result = article_search(
            query=query,
            staff_guidance=False,
            service_area_id=area.pk if area else None,
            as_you_type=False,
        )
        log = search_record(actor=None, query=query, result=result, where=SearchLog.Where.PUBLIC)
        search_id = log.pk if log else None
    elif area is not None:
        articles = selectors.articles_list(staff_guidance=False, service_area_id=area.pk)
    context = _ctx(
        q=query,
        area=area,
        result=result,
        articles=articles,
        search_id=search_id,
        areas=selectors.service_areas_with_articles(staff_guidance=False),
        popular=selectors.articles_most_used(staff_guidance=False, days=7, limit=6)
        if not query and area is None
        else [],
    )
    return render(request, "faq/public_list.html", context)


@_limited
def help_detail(request, slug):
    try:
        article = selectors.article_public_get(slug=slug)
    except Article.DoesNotExist:
        return render(request, "faq/public_404.html", _ctx(), status=404)
    sq = request.GET.get("sq")
    public_open_record(article=article, search_id=int(sq) if sq and sq.isdigit() else None)
    related = (
        selectors.articles_list(
            staff_guidance=False, service_area_id=article.service_area_id
        ).exclude(pk=article.pk)[:5]
        if article.service_area_id
        else []
    )
    return render(request, "faq/public_detail.html", _ctx(article=article, related=related))
