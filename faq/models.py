"""Knowledge base: articles with their versions, searches and uses, and dynamic content blocks.

Single-row rules only; writes go through `faq.services` (versions, search index, audit).
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.models import TimestampedModel, UpdatedByModel
from verification.models import ServiceAccount


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Article.Status.PUBLISHED)

    def public(self):
        """Published and meant for residents: what /help/ and the public API may show."""
        return self.published().filter(audience=Article.Audience.PUBLIC)

    def for_audience(self, *, staff_guidance: bool):
        return self.published() if staff_guidance else self.public()


class Article(TimestampedModel, UpdatedByModel):
    """One answer: a public FAQ residents also see online, or guidance for staff only."""

    class Audience(models.TextChoices):
        PUBLIC = "public", "Public (residents and staff)"
        STAFF = "staff", "Staff only (guidance)"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=80, unique=True, help_text="The end of its public address: /help/<slug>/"
    )
    summary = models.CharField(
        "Text message summary",
        max_length=160,
        help_text="The answer in one text message: with the public link it must fit 160 "
        "characters (70 if it uses characters outside the standard SMS alphabet).",
    )
    body = models.TextField(help_text="Markdown. Scripts and raw HTML are removed.")
    internal_notes = models.TextField(
        "Internal section",
        blank=True,
        help_text="Markdown shown to staff only, never to residents (e.g. how to escalate).",
    )
    service_area = models.ForeignKey(
        "organisation.ServiceArea",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
    )
    contact_types = models.ManyToManyField(
        "contacts.ContactType",
        blank=True,
        related_name="articles",
        help_text="Contact reasons this article answers: suggested to agents during contacts.",
    )
    keywords = models.CharField(
        "Keywords and synonyms",
        max_length=500,
        blank=True,
        help_text="Comma-separated words people use for this (e.g. rubbish, refuse, garbage). "
        "They rank like the title.",
    )
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.PUBLIC)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who keeps it accurate.",
    )
    review_date = models.DateField(null=True, blank=True, help_text="When it must be checked.")
    published_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Kept by faq.services: the sanitised HTML, the search document and usage.
    body_html = models.TextField(blank=True, editable=False)
    internal_html = models.TextField(blank=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    # Title and keywords only: small (never TOASTed), so checking which words hit the title
    # does not re-read the whole document for every row.
    title_vector = SearchVectorField(null=True, editable=False)
    use_count = models.PositiveIntegerField(default=0, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        permissions = [
            ("send_article", "Can send an article to a citizen"),
            ("view_staff_guidance", "Can read staff-only articles and internal sections"),
            ("view_search_insights", "Can see searches with no result and article use"),
        ]
        indexes = [
            models.Index(fields=["status", "audience"], name="article_status_audience_idx"),
            models.Index(fields=["service_area", "status"], name="article_area_status_idx"),
            models.Index(fields=["review_date"], name="article_review_idx"),
            # PostgreSQL GIN indexes (full-text and trigram) are added by migration 0002.
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("faq:detail", kwargs={"pk": self.pk})

    def get_public_path(self):
        return reverse("help:detail", kwargs={"slug": self.slug})

    @property
    def is_public(self):
        return self.status == self.Status.PUBLISHED and self.audience == self.Audience.PUBLIC

    @property
    def keyword_list(self):
        return [k.strip() for k in self.keywords.split(",") if k.strip()]


class ArticleVersion(models.Model):
    """The article as it was saved: who changed what, when. Restoring copies one back."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=160)
    body = models.TextField()
    internal_notes = models.TextField(blank=True)
    keywords = models.CharField(max_length=500, blank=True)
    audience = models.CharField(max_length=10, choices=Article.Audience.choices)
    status = models.CharField(max_length=10, choices=Article.Status.choices)
    changed_fields = models.JSONField(default=list, blank=True)
    change_note = models.CharField(max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_version_unique")
        ]

    def __str__(self):
        return f"{self.article_id} v{self.number}"


class SearchTerm(models.Model):
    """A word that appears in published articles: the vocabulary misspellings are corrected to."""

    word = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["word"]
        # PostgreSQL trigram index on `word`: migration 0002.

    def __str__(self):
        return self.word


class SearchLog(models.Model):
    """One search someone made, how many articles it found and whether they opened one."""

    class Where(models.TextChoices):
        STAFF = "staff", "Staff search"
        PUBLIC = "public", "Public help pages"
        API = "api", "API"

    query = models.CharField(max_length=200)
    normalised = models.CharField(max_length=200, db_index=True)
    where = models.CharField(max_length=10, choices=Where.choices)
    result_count = models.PositiveIntegerField()
    corrected_to = models.CharField(max_length=200, blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="knowledge_searches",
    )
    opened_article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "knowledge search"
        indexes = [
            models.Index(fields=["result_count", "-created_at"], name="searchlog_noresult_idx"),
            models.Index(fields=["staff", "-updated_at"], name="searchlog_staff_idx"),
        ]

    def __str__(self):
        return f"“{self.query}” ({self.result_count} found)"


class ArticleOpen(models.Model):
    """A member of staff opened an article (from a search, a suggestion or the list)."""

    class Via(models.TextChoices):
        SEARCH = "search", "Search"
        SUGGESTION = "suggestion", "Suggested for the contact"
        BROWSE = "browse", "Browsing"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="opens")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles_opened",
    )
    via = models.CharField(max_length=12, choices=Via.choices, default=Via.BROWSE)
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = "article opened"
        verbose_name_plural = "articles opened"
        indexes = [models.Index(fields=["opened_at", "article"], name="articleopen_time_idx")]

    def __str__(self):
        return f"Opened: {self.article.title}" if self.article_id else "Opened an article"

    def get_absolute_url(self):
        return reverse("faq:detail", kwargs={"pk": self.article_id})


class ArticleSend(models.Model):
    """An article sent to a citizen by text message or email, through the outbox."""

    class Channel(models.TextChoices):
        SMS = "sms", "Text message"
        EMAIL = "email", "Email"

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="sends")
    citizen = models.ForeignKey(
        "citizens.Citizen",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles_sent",
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles_sent",
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    recipient = models.CharField(max_length=254)
    message_id = models.BigIntegerField(null=True, blank=True, help_text="notifications.Message")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = "article sent"
        verbose_name_plural = "articles sent"

    def __str__(self):
        return f"Sent by {self.get_channel_display().lower()}: {self.article.title}"

    def get_absolute_url(self):
        return reverse("faq:detail", kwargs={"pk": self.article_id})


SERVICE_ACCOUNT_KINDS = ServiceAccount.Kind.choices


class DynamicBlock(models.Model):
    """Text shown to staff about a citizen's own service account, once they are verified:
    "Your council tax balance is ((balance)); the next instalment of ((next_instalment_amount))
    is due on ((next_instalment_date))." Placeholders are checked when saving."""

    name = models.CharField(max_length=120)
    service_account_kind = models.CharField(
        "Service-account type", max_length=20, choices=SERVICE_ACCOUNT_KINDS
    )
    text = models.TextField(
        help_text="Plain text with ((placeholders)) from the list below; no HTML or template code."
    )
    active = models.BooleanField(default=True)
    ordering = models.PositiveIntegerField(default=100, help_text="Lower numbers come first.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["service_account_kind", "ordering", "name"]
        verbose_name = "dynamic content block"

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        from faq.placeholders import placeholders_problems

        problems = placeholders_problems(self.service_account_kind, self.text or "")
        if problems:
            raise ValidationError({"text": problems})


class ServiceConnector(models.Model):
    """Where the data of one service-account type comes from when a block is shown.

    Without a row (or with the demo connector) it is the snapshot stored on the service account;
    the HTTP connector asks the back-office system live, with a 2-second time limit."""

    class Backend(models.TextChoices):
        STORED = "stored", "Stored snapshot (demo, or data pushed through the API)"
        HTTP = "http", "Back-office system over HTTP"

    service_account_kind = models.CharField(
        "Service-account type", max_length=20, choices=SERVICE_ACCOUNT_KINDS, unique=True
    )
    backend = models.CharField(max_length=10, choices=Backend.choices, default=Backend.STORED)
    url = models.URLField(
        "Address",
        blank=True,
        help_text="The account's reference is added to the end, e.g. "
        "https://ctax.example.gov.uk/api/accounts/ → …/accounts/CT00012345",
    )
    token = models.CharField(
        max_length=500, blank=True, help_text="Sent as “Authorization: Bearer <token>”."
    )
    timeout_seconds = models.DecimalField(
        max_digits=3, decimal_places=1, default=2, help_text="At most 2 seconds."
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["service_account_kind"]

    def __str__(self):
        return f"{self.get_service_account_kind_display()}: {self.get_backend_display()}"

    def clean(self):
        from decimal import Decimal

        from django.core.exceptions import ValidationError

        errors = {}
        if self.backend == self.Backend.HTTP and not self.url:
            errors["url"] = "Enter the address of the back-office system."
        if self.timeout_seconds is not None and not (
            Decimal("0.1") <= self.timeout_seconds <= Decimal("2")
        ):
            errors["timeout_seconds"] = "Enter a time limit between 0.1 and 2 seconds."
        if errors:
            raise ValidationError(errors)
