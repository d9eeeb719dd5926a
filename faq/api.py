"""Articles API for other channels (chatbot, website): search and read published articles.

`GET /api/v1/articles/?q=&service_area=` lists (ranked by relevance when `q` is given, else by
title) and `GET /api/v1/articles/{id}/` reads one. Public articles only, unless the token's
user may read staff guidance (`faq.view_staff_guidance`): then staff-only articles are included
and `internal_html` carries the internal section (it is null otherwise).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission

from faq import selectors
from faq.models import Article, SearchLog
from faq.search import article_search
from faq.services import article_public_url, search_record

API_SEARCH_LIMIT = 100


def _staff_guidance(request) -> bool:
    return request.user.has_perm("faq.view_staff_guidance")


class CanReadArticles(BasePermission):
    message = "This token may not read articles."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_active) and user.has_perm(
            "faq.view_article"
        )


class ServiceAreaBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()


class ArticleSerializer(serializers.ModelSerializer):
    service_area = ServiceAreaBriefSerializer(allow_null=True, read_only=True)
    keywords = serializers.ListField(child=serializers.CharField(), source="keyword_list")
    public_url = serializers.SerializerMethodField()
    internal_html = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "slug",
            "summary",
            "body",
            "body_html",
            "internal_html",
            "service_area",
            "contact_types",
            "keywords",
            "audience",
            "public_url",
            "published_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_public_url(self, article) -> str | None:
        return article_public_url(article) if article.is_public else None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_internal_html(self, article) -> str | None:
        request = self.context.get("request")
        if request is not None and _staff_guidance(request):
            return article.internal_html
        return None


def _int(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


@extend_schema(
    parameters=[
        OpenApiParameter("q", str, description="Words to search for (typos are corrected)."),
        OpenApiParameter("service_area", int, description="Only this service area's articles."),
    ]
)
class ArticleList(generics.ListAPIView):
    serializer_class = ArticleSerializer
    permission_classes = [CanReadArticles]
    filter_backends = []

    def get_queryset(self):
        request = self.request
        query = (request.query_params.get("q") or "").strip()[:200]
        raw_area = request.query_params.get("service_area")
        area = _int(raw_area)
        if raw_area not in (None, "") and area is None:  # as documented: an integer
            raise ValidationError({"service_area": ["Send the service area's id (a number)."]})
        guidance = _staff_guidance(request)
        if query:
            result = article_search(
                query=query,
                staff_guidance=guidance,
                service_area_id=area,
                limit=API_SEARCH_LIMIT,
                as_you_type=False,
            )
            search_record(
                actor=request.user, query=query, result=result, where=SearchLog.Where.API
            )
            ids = [a.pk for a in result.articles]
            by_id = {
                a.pk: a
                for a in Article.objects.filter(pk__in=ids)
                .select_related("service_area")
                .prefetch_related("contact_types")
            }
            return [by_id[pk] for pk in ids if pk in by_id]
        return (
            selectors.articles_list(staff_guidance=guidance, service_area_id=area)
            .defer(None)
            .prefetch_related("contact_types")
        )


class ArticleDetail(generics.RetrieveAPIView):
    serializer_class = ArticleSerializer
    permission_classes = [CanReadArticles]

    def get_queryset(self):
        return (
            Article.objects.for_audience(staff_guidance=_staff_guidance(self.request))
            .select_related("service_area")
            .prefetch_related("contact_types")
        )
