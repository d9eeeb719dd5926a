"""Reads of the knowledge base: lists, suggestions, most used, and figures for reports.

The reports app calls `searches_without_result`, `search_figures` and `articles_sent` (by
article and channel) rather than reading faq's tables itself.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Count, Max, Q
from django.utils import timezone

from faq.models import Article, ArticleOpen, ArticleSend, ArticleVersion, SearchLog
from organisation.models import ServiceArea

LIST_FIELDS_DEFERRED = (
    "body",
    "internal_notes",
    "body_html",
    "internal_html",
    "search_text",
    "search_vector",
    "title_vector",
)


def _day_range(date_from, date_to):
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(date_from, time.min), tz)
    end = timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min), tz)
    return start, end


def article_get(*, pk, staff_guidance: bool) -> Article:
    """A published article the reader may see (DoesNotExist otherwise)."""
    return (
        Article.objects.for_audience(staff_guidance=staff_guidance)
        .select_related("service_area", "owner")
        .prefetch_related("contact_types")
        .get(pk=pk)
    )


def article_public_get(*, slug) -> Article:
    return Article.objects.public().select_related("service_area").get(slug=slug)


def articles_list(*, staff_guidance: bool, service_area_id=None):
    qs = (
        Article.objects.for_audience(staff_guidance=staff_guidance)
        .select_related("service_area")
        .defer(*LIST_FIELDS_DEFERRED)
    )
    if service_area_id:
        qs = qs.filter(service_area_id=service_area_id)
    return qs.order_by("title", "id")


def service_areas_with_articles(*, staff_guidance: bool):
    """Service areas with how many articles each holds (for browsing), in their usual order."""
    visible = Q(articles__status=Article.Status.PUBLISHED)
    if not staff_guidance:
        visible &= Q(articles__audience=Article.Audience.PUBLIC)
    return (
        ServiceArea.objects.active()
        .annotate(article_count=Count("articles", filter=visible))
        .filter(article_count__gt=0)
        .order_by("ordering", "name")
    )


def articles_most_used(*, staff_guidance: bool, days=7, limit=8):
    """Articles opened or sent most often in the last `days` days."""
    since = timezone.now() - timedelta(days=days)
    qs = (
        Article.objects.for_audience(staff_guidance=staff_guidance)
        .annotate(
            recent=Count("opens", filter=Q(opens__opened_at__gte=since), distinct=True)
            + Count("sends", filter=Q(sends__sent_at__gte=since), distinct=True)
        )
        .filter(recent__gt=0)
        .select_related("service_area")
        .defer(*LIST_FIELDS_DEFERRED)
        .order_by("-recent", "-use_count", "title")
    )
    return list(qs[:limit])


def article_suggestions(*, service_area_id=None, contact_type_id=None, limit=5):
    """Articles for a contact's reason: those answering the contact type first, then others of
    its service area; each group most used first. Staff see guidance too."""
    if not service_area_id and not contact_type_id:
        return []
    qs = Article.objects.published().select_related("service_area").defer(*LIST_FIELDS_DEFERRED)
    condition = Q()
    if contact_type_id:
        condition |= Q(contact_types__id=contact_type_id)
    if service_area_id:
        condition |= Q(service_area_id=service_area_id)
    qs = qs.filter(condition).distinct()
    articles = list(qs.order_by("-use_count", "title")[: limit * 4])
    if contact_type_id:
        matching = set(
            Article.contact_types.through.objects.filter(
                contacttype_id=contact_type_id, article_id__in=[a.pk for a in articles]
            ).values_list("article_id", flat=True)
        )
        articles.sort(key=lambda a: (a.pk not in matching, -a.use_count, a.title))
    return articles[:limit]


def contact_knowledge(*, contact):
    """What was opened and sent during a contact, newest first."""
    opened = list(
        ArticleOpen.objects.filter(contact=contact)
        .select_related("article")
        .order_by("-opened_at")
    )
    sent = list(
        ArticleSend.objects.filter(contact=contact).select_related("article").order_by("-sent_at")
    )
    return opened, sent


def contact_has_sent_information(*, contact) -> bool:
    return ArticleSend.objects.filter(contact=contact).exists()


def article_versions(*, article):
    return ArticleVersion.objects.filter(article=article).select_related("changed_by")


def articles_review_overdue(*, today=None):
    """Articles (not archived) whose review date has passed, oldest first."""
    today = today or timezone.localdate()
    return (
        Article.objects.exclude(status=Article.Status.ARCHIVED)
        .filter(review_date__lt=today)
        .select_related("owner", "service_area")
        .defer(*LIST_FIELDS_DEFERRED)
        .order_by("review_date", "title")
    )


# --- figures for reports -------------------------------------------------------------------------


@dataclass(frozen=True)
class NoResultSearch:
    query: str
    searches: int
    last_searched: datetime


def searches_without_result(*, date_from, date_to, where=None, limit=20) -> list[NoResultSearch]:
    """The most frequent searches that found nothing, between two dates (inclusive)."""
    start, end = _day_range(date_from, date_to)
    qs = SearchLog.objects.filter(result_count=0, created_at__gte=start, created_at__lt=end)
    if where:
        qs = qs.filter(where=where)
    rows = (
        qs.values("normalised")
        .annotate(searches=Count("id"), last=Max("created_at"))
        .order_by("-searches", "-last", "normalised")[:limit]
    )
    return [NoResultSearch(r["normalised"], r["searches"], r["last"]) for r in rows]


@dataclass(frozen=True)
class SearchFigures:
    searches: int
    without_result: int
    with_article_opened: int

    @property
    def without_result_rate(self):
        return round(100 * self.without_result / self.searches, 1) if self.searches else None


def search_figures(*, date_from, date_to, where=None) -> SearchFigures:
    start, end = _day_range(date_from, date_to)
    qs = SearchLog.objects.filter(created_at__gte=start, created_at__lt=end)
    if where:
        qs = qs.filter(where=where)
    row = qs.aggregate(
        searches=Count("id"),
        without_result=Count("id", filter=Q(result_count=0)),
        opened=Count("id", filter=Q(opened_article__isnull=False)),
    )
    return SearchFigures(row["searches"], row["without_result"], row["opened"])


@dataclass(frozen=True)
class ArticleSentRow:
    article_id: int
    title: str
    sms: int
    email: int

    @property
    def total(self):
        return self.sms + self.email


def articles_sent(*, date_from, date_to, service_area_id=None, limit=50) -> list[ArticleSentRow]:
    """Articles sent to citizens between two dates (inclusive), most sent first."""
    start, end = _day_range(date_from, date_to)
    qs = ArticleSend.objects.filter(sent_at__gte=start, sent_at__lt=end)
    if service_area_id:
        qs = qs.filter(article__service_area_id=service_area_id)
    rows = (
        qs.values("article_id", "article__title")
        .annotate(
            sms=Count("id", filter=Q(channel=ArticleSend.Channel.SMS)),
            email=Count("id", filter=Q(channel=ArticleSend.Channel.EMAIL)),
            total=Count("id"),
        )
        .order_by("-total", "article__title")[:limit]
    )
    return [
        ArticleSentRow(r["article_id"], r["article__title"], r["sms"], r["email"]) for r in rows
    ]


def contacts_with_information_sent(*, date_from, date_to) -> int:
    """How many contacts had at least one article sent during them."""
    start, end = _day_range(date_from, date_to)
    return (
        ArticleSend.objects.filter(sent_at__gte=start, sent_at__lt=end, contact__isnull=False)
        .values("contact_id")
        .distinct()
        .count()
    )
