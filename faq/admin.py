"""Django admin for the knowledge base: articles (preview, SMS check, versions and restore),
dynamic content blocks, connectors, and the search log with its no-result searches."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from core.admin import ViewAuditedAdmin
from faq.forms import ArticleAdminForm, DynamicBlockAdminForm
from faq.models import (
    Article,
    ArticleSend,
    ArticleVersion,
    DynamicBlock,
    SearchLog,
    ServiceConnector,
)
from faq.placeholders import placeholders_available
from faq.services import article_restore, article_save, article_sms_text
from faq.sms import sms_length


class ReviewFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("overdue", "Review overdue"), ("soon", "Due in the next 30 days")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        current = queryset.exclude(status=Article.Status.ARCHIVED)
        if self.value() == "overdue":
            return current.filter(review_date__lt=today)
        if self.value() == "soon":
            return current.filter(
                review_date__gte=today, review_date__lte=today + timezone.timedelta(days=30)
            )
        return queryset


class ArticleVersionInline(admin.TabularInline):
    model = ArticleVersion
    fields = ["number", "changed_at", "changed_by", "changed_fields", "change_note", "restore"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-number"]
    verbose_name_plural = "Version history"

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="")
    def restore(self, version):
        if version.number == version.article.version:
            return "Current"
        url = reverse("admin:faq_article_restore", args=[version.article_id, version.pk])
        return format_html('<a href="{}">Restore this version</a>', url)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = [
        "title",
        "service_area",
        "audience",
        "status",
        "owner",
        "review_date",
        "use_count",
        "version",
    ]
    list_filter = ["status", "audience", ReviewFilter, "service_area"]
    search_fields = ["title", "summary", "keywords", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = []
    filter_horizontal = ["contact_types"]
    readonly_fields = ["preview", "sms_check", "use_count", "version", "published_at"]
    inlines = [ArticleVersionInline]
    list_select_related = ["service_area", "owner"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "sms_check", "body", "internal_notes"]}),
        ("Where it answers", {"fields": ["service_area", "contact_types", "keywords"]}),
        (
            "Publishing",
            {"fields": ["audience", "status", "owner", "review_date", "change_note"]},
        ),
        (
            "Preview (as last saved)",
            {"fields": ["preview", "use_count", "version", "published_at"]},
        ),
    ]

    def get_urls(self):
        return [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="faq_article_preview",
            ),
            path(
                "<int:pk>/restore/<int:version_pk>/",
                self.admin_site.admin_view(self.restore_view),
                name="faq_article_restore",
            ),
            path(
                "no-result-searches/",
                self.admin_site.admin_view(self.no_result_view),
                name="faq_article_no_result",
            ),
        ] + super().get_urls()

    def save_model(self, request, obj, form, change):
        article_save(
            actor=request.user, article=obj, change_note=form.cleaned_data.get("change_note", "")
        )

    @admin.display(description="Text message")
    def sms_check(self, obj):
        if obj is None or obj.pk is None:
            return "Shown after saving: the summary with the article's public link."
        text = article_sms_text(obj)
        size = sms_length(text)
        return format_html(
            "<p>{}</p><p><strong>{} of {} characters ({})</strong>{}</p>",
            text,
            size.length,
            size.limit,
            size.encoding,
            format_html(" – uses {}", size.non_gsm) if size.non_gsm else "",
        )

    @admin.display(description="Preview")
    def preview(self, obj):
        if obj is None or obj.pk is None:
            return "Save the article to preview it."
        return format_html(
            '<a class="button" href="{}" target="_blank" rel="noopener">Open the preview</a> '
            "(as staff and residents see it; drafts too)",
            reverse("admin:faq_article_preview", args=[obj.pk]),
        )

    def preview_view(self, request, pk):
        article = get_object_or_404(Article, pk=pk)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionError
        text = article_sms_text(article)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Preview: {article.title}",
            "article": article,
            "opts": self.model._meta,
            "sms_text": text,
            "sms": sms_length(text),
        }
        return TemplateResponse(request, "admin/faq/article/preview.html", context)

    def restore_view(self, request, pk, version_pk):
        article = get_object_or_404(Article, pk=pk)
        version = get_object_or_404(ArticleVersion, pk=version_pk, article=article)
        if not self.has_change_permission(request, article):
            raise PermissionError
        if request.method == "POST":
            try:
                article_restore(actor=request.user, article=article, version=version)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                self.message_user(
                    request, f"Version {version.number} restored as the current text."
                )
            return redirect("admin:faq_article_change", article.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Restore version {version.number} of “{article.title}”?",
            "article": article,
            "version": version,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/faq/article/restore.html", context)

    def no_result_view(self, request):
        since = timezone.now() - timezone.timedelta(days=28)
        rows = (
            SearchLog.objects.filter(result_count=0, created_at__gte=since)
            .values("normalised")
            .annotate(searches=Count("id"), last=Max("created_at"))
            .order_by("-searches", "-last")[:50]
        )
        context = {
            **self.admin_site.each_context(request),
            "title": "Top searches with no result (last 28 days)",
            "rows": rows,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/faq/article/no_result.html", context)

    def changelist_view(self, request, extra_context=None):
        today = timezone.localdate()
        overdue = Article.objects.exclude(status=Article.Status.ARCHIVED).filter(
            review_date__lt=today
        )
        extra_context = {
            **(extra_context or {}),
            "overdue_count": overdue.count(),
            "no_result_url": reverse("admin:faq_article_no_result"),
        }
        return super().changelist_view(request, extra_context=extra_context)


@admin.register(DynamicBlock)
class DynamicBlockAdmin(admin.ModelAdmin):
    form = DynamicBlockAdminForm
    list_display = ["name", "service_account_kind", "active", "ordering"]
    list_filter = ["service_account_kind", "active"]
    readonly_fields = ["placeholders"]

    @admin.display(description="Placeholders you can use")
    def placeholders(self, obj):
        kind = obj.service_account_kind if obj and obj.pk else None
        kinds = (
            [kind]
            if kind
            else [k for k, _ in DynamicBlock._meta.get_field("service_account_kind").choices]
        )
        return format_html_join(
            "",
            "<p><strong>{}</strong>: {}</p>",
            (
                (
                    k,
                    ", ".join(
                        f"(({n})) {label}" for n, label in placeholders_available(k).items()
                    ),
                )
                for k in kinds
            ),
        )


@admin.register(ServiceConnector)
class ServiceConnectorAdmin(admin.ModelAdmin):
    list_display = ["service_account_kind", "backend", "url", "timeout_seconds", "active"]

    def get_form(self, request, obj=None, **kwargs):
        from django import forms

        form = super().get_form(request, obj, **kwargs)
        # The token is never shown back; leave it empty to keep the stored one.
        form.base_fields["token"].widget = forms.PasswordInput(render_value=False)
        form.base_fields["token"].required = False
        return form

    def save_model(self, request, obj, form, change):
        if change and not form.cleaned_data.get("token"):
            obj.token = ServiceConnector.objects.get(pk=obj.pk).token
        super().save_model(request, obj, form, change)


@admin.register(SearchLog)
class SearchLogAdmin(ViewAuditedAdmin):
    list_display = [
        "query",
        "where",
        "result_count",
        "corrected_to",
        "opened_article",
        "staff",
        "created_at",
    ]
    list_filter = ["where", ("result_count", admin.EmptyFieldListFilter)]
    search_fields = ["normalised"]
    date_hierarchy = "created_at"

    def get_list_filter(self, request):
        return ["where"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ArticleSend)
class ArticleSendAdmin(ViewAuditedAdmin):
    list_display = ["article", "channel", "citizen", "staff", "sent_at"]
    list_filter = ["channel"]
    list_select_related = ["article", "citizen", "staff"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
