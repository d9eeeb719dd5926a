"""Integration with the council's other systems: the change feed, idempotent writes, client
systems and their tokens' scopes, outbound webhooks and bulk imports."""

from django.conf import settings
from django.db import models


class EventType(models.TextChoices):
    """What happened, as the change feed and webhooks name it (an API contract)."""

    CITIZEN_CREATED = "citizen.created", "Citizen created"
    CITIZEN_UPDATED = "citizen.updated", "Citizen updated"
    CITIZEN_MERGED = "citizen.merged", "Citizen merged into another"
    REQUEST_CREATED = "request.created", "Request created"
    REQUEST_STAGE_CHANGED = "request.stage_changed", "Request stage changed"
    REQUEST_INFORMATION_REQUESTED = "request.information_requested", "Information requested"
    REQUEST_RESOLVED = "request.resolved", "Request resolved"
    REQUEST_CLOSED = "request.closed", "Request closed"
    REQUEST_UPDATED = "request.updated", "Request updated (held, resumed, reopened, cancelled…)"


class Change(models.Model):
    """One entry of the change feed, written in the transaction of the change it describes.

    `seq` is the feed's order, given when the change is published (`integration.changes`):
    only committed changes are numbered, so a change that commits late is numbered after the
    ones a reader has already seen, never before them.
    """

    seq = models.BigIntegerField(null=True, blank=True, unique=True, editable=False)
    event = models.CharField(max_length=40, choices=EventType.choices)
    object_type = models.CharField(max_length=20, help_text="citizen or request")
    object_id = models.BigIntegerField()
    reference = models.CharField(max_length=40)
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["id"], condition=models.Q(seq__isnull=True), name="change_unpublished_idx"
            )
        ]

    def __str__(self):
        return f"{self.event} {self.reference}"


class IdempotencyRecord(models.Model):
    """The first answer to a write sent with an `Idempotency-Key`, replayed for repeats."""

    owner = models.CharField(max_length=64, help_text="Hash of the credentials that sent it.")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="Hash of method, path and body.")
    status_code = models.PositiveSmallIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotency_owner_key_uniq")
        ]

    def __str__(self):
        return self.key


class ClientSystem(models.Model):
    """Another council system that uses the API (council tax, benefits, the waste contractor).

    It acts through a user of its own (`user`, created with it, never signed in to the web
    pages): its tokens are that user's API tokens, and every write it makes names it as the
    actor in the audit trail, the timeline and the change feed.
    """

    class Access(models.TextChoices):
        READ_ONLY = "read_only", "Read only"
        READ_WRITE = "read_write", "Read and write"

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(
        max_length=40,
        unique=True,
        help_text="The system's name in URLs, e.g. council-tax in "
        "/api/v1/service-accounts/council-tax/<reference>/.",
    )
    contact_name = models.CharField(max_length=100, blank=True)
    contact_email = models.EmailField(blank=True)
    access = models.CharField(max_length=10, choices=Access.choices, default=Access.READ_ONLY)
    service_account_kinds = models.JSONField(
        default=list,
        blank=True,
        help_text="The service-account types it may write (council_tax, benefits, …).",
    )
    ip_allow_list = models.TextField(
        blank=True,
        help_text="Optional: addresses or networks (one per line, e.g. 203.0.113.0/24) its "
        "requests must come from. Empty: any address.",
    )
    rate_limit_per_minute = models.PositiveIntegerField(
        default=600, help_text="Requests per minute across all of its tokens."
    )
    allow_private_webhook_urls = models.BooleanField(
        default=False,
        help_text="Let its webhooks go to private or loopback addresses (inside the council's "
        "network). Off by default: protects against server-side request forgery.",
    )
    active = models.BooleanField(default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="client_system",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def read_only(self) -> bool:
        return self.access == self.Access.READ_ONLY


class WebhookSubscription(models.Model):
    """A client system's URL that is told about events, signed with its secret."""

    client_system = models.ForeignKey(
        ClientSystem, on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField(max_length=500, help_text="https://… where events are POSTed.")
    events = models.JSONField(default=list, help_text="Event types it receives.")
    secret = models.CharField(
        max_length=100,
        editable=False,
        help_text="Standard Webhooks signing secret (whsec_…), given to the client system.",
    )
    active = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["client_system__name", "url"]

    def __str__(self):
        return f"{self.client_system}: {self.url}"


class WebhookAttempt(models.Model):
    """One try at delivering a webhook message (the delivery log)."""

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="attempts"
    )
    message = models.ForeignKey(
        "notifications.Message", on_delete=models.CASCADE, related_name="+"
    )
    event = models.CharField(max_length=40)
    citizen_id = models.BigIntegerField(
        null=True, blank=True, help_text="The citizen the event was about (for the timeline)."
    )
    attempted_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-attempted_at", "-id"]

    def __str__(self):
        return f"{self.event} → {self.status_code or self.error}"


class ImportRun(models.Model):
    """One CSV file imported (or previewed) from another system, with its report."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded"
        PREVIEWING = "previewing", "Checking"
        PREVIEWED = "previewed", "Checked (nothing imported yet)"
        IMPORTING = "importing", "Importing"
        IMPORTED = "imported", "Imported"
        FAILED = "failed", "Could not be imported"
        UNDONE = "undone", "Undone"

    source = models.CharField(max_length=100, help_text="The system the file came from.")
    original_name = models.CharField(max_length=255)
    file_path = models.CharField(max_length=500, editable=False)
    file_sha256 = models.CharField(max_length=64, editable=False)
    mapping = models.JSONField(default=dict, help_text="CSV column → field.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.UPLOADED)
    error = models.TextField(blank=True)
    counts = models.JSONField(default=dict, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Import {self.pk} from {self.source} ({self.original_name})"


class ImportRow(models.Model):
    """What happened to one row of an import (its report line)."""

    class Outcome(models.TextChoices):
        MATCHED = "matched", "Matched"
        NEW = "new", "New"
        REVIEW = "review", "Needs review"
        ERROR = "error", "Not imported"
        UNCHANGED = "unchanged", "Already imported"

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField()
    source_key = models.CharField(max_length=64, db_index=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    citizen = models.ForeignKey(
        "citizens.Citizen", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.BooleanField(default=False, help_text="The import created this citizen.")
    data = models.JSONField(default=dict)
    errors = models.JSONField(default=list, blank=True)
    candidates = models.JSONField(default=list, blank=True)
    differences = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["run", "row_number"]
        indexes = [models.Index(fields=["run", "outcome"], name="importrow_run_outcome_idx")]

    def __str__(self):
        return f"Row {self.row_number}: {self.outcome}"


class ServiceAccountSync(models.Model):
    """What the sync API knows of a service account a client system pushes: its `version` for
    optimistic concurrency (409 when stale, `ETag`/`If-Match`) and how it was linked."""

    class Link(models.TextChoices):
        REFERENCE = "reference", "By citizen reference"
        MATCHER = "matcher", "By the matcher (certain)"
        NEW = "new", "New citizen created"
        REVIEW = "review", "New citizen created, in the duplicates review"

    service_account = models.OneToOneField(
        "verification.ServiceAccount", on_delete=models.CASCADE, related_name="sync"
    )
    client_system = models.ForeignKey(
        ClientSystem, on_delete=models.PROTECT, related_name="service_accounts"
    )
    version = models.PositiveIntegerField(default=1)
    link = models.CharField(max_length=10, choices=Link.choices)
    candidates = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.service_account} v{self.version}"
