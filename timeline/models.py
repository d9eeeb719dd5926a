from django.conf import settings
from django.db import models

from core.actors import ActorKind


class Category(models.TextChoices):
    """What the feed filters and counts by: one tab-like group per area of activity."""

    PROFILE = "profile", "Profile"
    CONTACTS = "contacts", "Contacts"
    NOTES = "notes", "Notes"
    VERIFICATION = "verification", "Verification"
    REQUESTS = "requests", "Requests"
    FORMS = "forms", "Forms"
    NOTIFICATIONS = "notifications", "Notifications"


class Kind(models.TextChoices):
    """Every kind of event the feed knows. Later apps' kinds are declared here up front so
    adding their receivers needs no migration (the field has no database-level choices)."""

    CITIZEN_CREATED = "citizen_created", "Account created"
    PROFILE_CHANGED = "profile_changed", "Profile changed"
    CITIZENS_MERGED = "citizens_merged", "Records merged"
    NOTE_ADDED = "note_added", "Note added"
    CONTACT_STARTED = "contact_started", "Contact started"
    CONTACT_ENDED = "contact_ended", "Contact ended"
    VERIFICATION_PASSED = "verification_passed", "Verification passed"
    VERIFICATION_FAILED = "verification_failed", "Verification failed"
    VERIFICATION_LOCKED = "verification_locked", "Verification locked"
    REQUEST_CREATED = "request_created", "Request created"
    REQUEST_STAGE_CHANGED = "request_stage_changed", "Request stage changed"
    REQUEST_INFORMATION_REQUESTED = "request_information_requested", "Information requested"
    REQUEST_CITIZEN_REPLIED = "request_citizen_replied", "Citizen replied"
    REQUEST_NOTE_ADDED = "request_note_added", "Request note added"
    REQUEST_RESOLVED = "request_resolved", "Request resolved"
    REQUEST_CLOSED = "request_closed", "Request closed"
    FORM_DRAFT_SAVED = "form_draft_saved", "Form draft saved"
    FORM_SUBMITTED = "form_submitted", "Form submitted"
    NOTIFICATION_SENT = "notification_sent", "Notification sent"
    NOTIFICATION_FAILED = "notification_failed", "Notification failed"
    INFORMATION_SENT = "information_sent", "Information sent"
    RECORD_IMPORTED = "record_imported", "Imported from another system"
    SERVICE_ACCOUNT_SYNCED = "service_account_synced", "Service account updated by its system"
    WEBHOOK_DELIVERED = "webhook_delivered", "Another system told"


KIND_CATEGORY = {
    Kind.CITIZEN_CREATED: Category.PROFILE,
    Kind.PROFILE_CHANGED: Category.PROFILE,
    Kind.CITIZENS_MERGED: Category.PROFILE,
    Kind.NOTE_ADDED: Category.NOTES,
    Kind.CONTACT_STARTED: Category.CONTACTS,
    Kind.CONTACT_ENDED: Category.CONTACTS,
    Kind.VERIFICATION_PASSED: Category.VERIFICATION,
    Kind.VERIFICATION_FAILED: Category.VERIFICATION,
    Kind.VERIFICATION_LOCKED: Category.VERIFICATION,
    Kind.REQUEST_CREATED: Category.REQUESTS,
    Kind.REQUEST_STAGE_CHANGED: Category.REQUESTS,
    Kind.REQUEST_INFORMATION_REQUESTED: Category.REQUESTS,
    Kind.REQUEST_CITIZEN_REPLIED: Category.REQUESTS,
    Kind.REQUEST_NOTE_ADDED: Category.REQUESTS,
    Kind.REQUEST_RESOLVED: Category.REQUESTS,
    Kind.REQUEST_CLOSED: Category.REQUESTS,
    Kind.FORM_DRAFT_SAVED: Category.FORMS,
    Kind.FORM_SUBMITTED: Category.FORMS,
    Kind.NOTIFICATION_SENT: Category.NOTIFICATIONS,
    Kind.NOTIFICATION_FAILED: Category.NOTIFICATIONS,
    Kind.INFORMATION_SENT: Category.CONTACTS,
    Kind.RECORD_IMPORTED: Category.PROFILE,
    Kind.SERVICE_ACCOUNT_SYNCED: Category.VERIFICATION,
    Kind.WEBHOOK_DELIVERED: Category.NOTIFICATIONS,
}


# The project's one actor notion (core.actors): staff, citizen, client system, system.
ActorType = ActorKind


class Entry(models.Model):
    """One thing that happened on a citizen's account, written from another app's signal."""

    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.CASCADE, related_name="timeline_entries"
    )
    occurred_at = models.DateTimeField()
    kind = models.CharField(max_length=40)
    category = models.CharField(max_length=20)
    service_area = models.ForeignKey(
        "organisation.ServiceArea",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_type = models.CharField(max_length=10, default=ActorType.STAFF)
    summary = models.CharField(max_length=300)
    # Small, display-ready payload: e.g. {"changes": [{"label", "old", "new", "sensitive"}]}.
    detail = models.JSONField(default=dict, blank=True)
    # What the entry is about ("contacts.contact", "42"), for its link and for rebuilds.
    source_type = models.CharField(max_length=100, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    # One entry per event: rebuilds and repeated signals update rather than duplicate.
    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "timeline entry"
        verbose_name_plural = "timeline entries"
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(
                fields=["citizen", "-occurred_at", "-id"], name="timeline_citizen_time_idx"
            ),
            models.Index(
                fields=["citizen", "category", "-occurred_at", "-id"],
                name="timeline_cit_cat_time_idx",
            ),
            models.Index(
                fields=["citizen", "service_area", "-occurred_at", "-id"],
                name="timeline_cit_area_idx",
            ),
            models.Index(fields=["source_type", "source_id"], name="timeline_source_idx"),
        ]

    def __str__(self):
        return f"{self.occurred_at:%d/%m/%Y %H:%M} {self.get_kind_display()}: {self.summary}"

    def get_kind_display(self):
        try:
            return Kind(self.kind).label
        except ValueError:
            return self.kind.replace("_", " ").capitalize()

    def get_category_display(self):
        try:
            return Category(self.category).label
        except ValueError:
            return self.category.capitalize()

    @property
    def actor_display(self):
        if self.actor_type == ActorType.CITIZEN:
            return "Citizen"
        if self.actor_type == ActorType.SYSTEM or self.actor_id is None:
            return "System"
        return str(self.actor)

    @property
    def source_url(self):
        from timeline.sources import entry_link

        return entry_link(self)
