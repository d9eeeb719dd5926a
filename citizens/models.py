from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from core.models import CreatedByModel, TimestampedModel


class CitizenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Citizen.Status.ACTIVE)


class Citizen(TimestampedModel, CreatedByModel):
    """A resident or customer of the council: the centre of the single view."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        MERGED = "merged", "Merged into another record"
        # Created by a bulk import that was then undone: kept (the audit trail points at it)
        # without contact details, out of search and lists.
        WITHDRAWN = "withdrawn", "Withdrawn (its import was undone)"

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "Text message"
        PHONE = "phone", "Phone call"
        LETTER = "letter", "Letter"

    reference = models.CharField(max_length=12, unique=True, editable=False)
    title = models.CharField(max_length=20, blank=True)
    first_name = models.CharField(max_length=100, blank=True)
    middle_names = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField("Preferred or known-as name", max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)

    preferred_channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    preferred_language = models.CharField(max_length=60, blank=True, default="English")
    accessible_formats = models.CharField(
        max_length=200, blank=True, help_text="Large print, Braille, Easy Read, audio…"
    )
    no_contact_details_reason = models.CharField(
        max_length=255,
        blank=True,
        help_text="Why the account has no email address (recorded when it is created).",
    )

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_records"
    )
    # Optimistic concurrency: every save through the services bumps it; a stale edit is refused.
    version = models.PositiveIntegerField(default=1)

    # Normalised copies for search, maintained by the services that write names.
    search_name = models.CharField(max_length=300, blank=True, editable=False)
    search_last_name = models.CharField(max_length=100, blank=True, editable=False)
    # Space-separated name tokens plus their phonetic and sorted-letter keys (citizens.search).
    search_keys = models.TextField(blank=True, editable=False)
    # Why the agent created this record although likely duplicates were shown.
    new_person_reason = models.CharField(max_length=255, blank=True)

    objects = CitizenQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        permissions = [("merge_citizen", "Can merge duplicate citizen records")]
        indexes = [
            models.Index(
                fields=["search_last_name", "date_of_birth"], name="citizen_last_dob_idx"
            ),
            models.Index(fields=["date_of_birth"], name="citizen_dob_idx"),
            # PostgreSQL-only GIN indexes (trigram and full-text) are added by migration 0003.
        ]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("citizens:detail", kwargs={"pk": self.pk})

    @property
    def full_name(self):
        parts = [self.title, self.first_name, self.last_name]
        return " ".join(p for p in parts if p) or "(no name)"

    @property
    def is_merged(self):
        return self.status == self.Status.MERGED

    @property
    def display_name(self):
        name = self.full_name
        if self.preferred_name and self.preferred_name != self.first_name:
            name = f"{name} (known as {self.preferred_name})"
        return name


class Address(models.Model):
    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="addresses")
    line_1 = models.CharField("Address line 1", max_length=200)
    line_2 = models.CharField("Address line 2", max_length=200, blank=True)
    town = models.CharField("Town or city", max_length=100, blank=True)
    postcode = models.CharField(max_length=8, help_text="Normalised, e.g. SW1A 1AA")
    postcode_compact = models.CharField(max_length=7, editable=False, db_index=True)
    uprn = models.CharField("UPRN", max_length=12, blank=True, db_index=True)
    is_current = models.BooleanField(default=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-is_current", "-valid_from", "-id"]
        verbose_name_plural = "addresses"
        constraints = [
            models.UniqueConstraint(
                fields=["citizen"],
                condition=models.Q(is_current=True),
                name="one_current_address_per_citizen",
            )
        ]

    def __str__(self):
        return ", ".join(p for p in [self.line_1, self.line_2, self.town, self.postcode] if p)


class EmailAddress(models.Model):
    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="emails")
    email = models.EmailField(max_length=254)
    is_primary = models.BooleanField(default=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-is_primary", "id"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="citizen_email_unique_ci"),
        ]

    def __str__(self):
        return self.email


class PhoneNumber(models.Model):
    class Kind(models.TextChoices):
        MOBILE = "mobile", "Mobile"
        LANDLINE = "landline", "Landline"

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(max_length=20, db_index=True, help_text="E.164, e.g. +447700900123")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    is_primary = models.BooleanField(default=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-is_primary", "id"]

    def __str__(self):
        from citizens.normalise import phone_display

        return phone_display(self.number)


class AssistanceFlag(models.Model):
    """Something staff must know to help this person: needs an interpreter, hearing loss…"""

    class Kind(models.TextChoices):
        INTERPRETER = "interpreter", "Needs an interpreter"
        HEARING = "hearing", "Hearing impairment"
        SIGHT = "sight", "Sight impairment"
        MOBILITY = "mobility", "Mobility needs"
        MENTAL_HEALTH = "mental_health", "Mental health"
        LEARNING = "learning", "Learning disability"
        VULNERABLE = "vulnerable", "Vulnerable adult"
        SAFEGUARDING = "safeguarding", "Safeguarding concern"
        BEREAVEMENT = "bereavement", "Recent bereavement"
        OTHER = "other", "Other"

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="assistance_flags")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = models.CharField(max_length=500, blank=True)
    review_date = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-active", "kind"]

    def __str__(self):
        return self.get_kind_display()


class Note(models.Model):
    """A note about a citizen. Never edited: a correction is a new note pointing at it."""

    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="notes")
    text = models.TextField()
    service_area = models.ForeignKey(
        "organisation.ServiceArea",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sensitive = models.BooleanField(default=False)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("view_sensitive_note", "Can see notes marked sensitive")]
        indexes = [models.Index(fields=["citizen", "-created_at"], name="note_citizen_time_idx")]

    def __str__(self):
        return f"Note on {self.citizen_id} by {self.author} at {self.created_at:%d/%m/%Y %H:%M}"


class CitizenChange(models.Model):
    """One field changed on a citizen's record: who, when, old and new."""

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="changes")
    version = models.PositiveIntegerField(help_text="The record's version after the change.")
    field = models.CharField(max_length=60)
    label = models.CharField(max_length=100)
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)
    sensitive = models.BooleanField(default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.label} changed on {self.changed_at:%d/%m/%Y %H:%M}"


class MergeRecord(models.Model):
    """Who merged which record into which, why, and what moved."""

    survivor = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="merges_absorbed")
    reason = models.TextField()
    moved = models.JSONField(default=dict, help_text="Rows moved, per model.")
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    # What unmerge needs to give back: the ids of every row moved, per relation, and the flags
    # the merge changed (citizens.services.citizens_unmerge).
    undo = models.JSONField(default=dict, blank=True)
    unmerged_at = models.DateTimeField(null=True, blank=True)
    unmerged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unmerge_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-merged_at"]

    def __str__(self):
        return f"{self.merged.reference} merged into {self.survivor.reference}"


class NotDuplicate(models.Model):
    """Two records a person reviewed and found to be different people."""

    citizen_a = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="+")
    citizen_b = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=255)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["citizen_a", "citizen_b"], name="not_duplicate_pair")
        ]

    def __str__(self):
        return f"{self.citizen_a_id} is not {self.citizen_b_id}"


class MatchModel(models.Model):
    """Matcher parameters learnt from the register (citizens.matching.parameters)."""

    parameters = models.JSONField()
    register_size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self):
        return f"Matcher parameters from {self.register_size} records ({self.created_at:%d/%m/%Y})"


class DuplicateReviewRun(models.Model):
    """One scan of the whole register for duplicates; resumable from `phase` and `cursor`."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    phase = models.CharField(max_length=20, default="dates_of_birth")
    cursor = models.CharField(max_length=40, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A worker holds the run until this time; another may take over once it has passed.
    lease_until = models.DateTimeField(null=True, blank=True)
    blocks_done = models.PositiveIntegerField(default=0)
    pairs_scored = models.PositiveBigIntegerField(default=0)
    pairs_queued = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="running"),
                name="one_running_duplicate_review",
            )
        ]

    PHASE_LABELS = {
        "dates_of_birth": "comparing people born on the same day",
        "postcodes": "comparing people at the same postcode",
        "phones": "comparing people sharing a phone number",
    }

    def __str__(self):
        return f"Duplicate review {self.pk} ({self.get_status_display()})"

    @property
    def phase_label(self):
        return self.PHASE_LABELS.get(self.phase, self.phase)


class DuplicatePair(models.Model):
    """Two records the register review scored as possibly one person, and what was decided."""

    class Status(models.TextChoices):
        OPEN = "open", "To review"
        MERGED = "merged", "Same person: merged"
        DIFFERENT = "different", "Different people"

    citizen_a = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="+")
    citizen_b = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    band = models.CharField(max_length=10)
    summary = models.CharField(max_length=300)
    reasons_for = models.JSONField(default=list)
    reasons_against = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    run = models.ForeignKey(
        DuplicateReviewRun, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    found_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["citizen_a", "citizen_b"], name="duplicate_pair_unique"
            )
        ]
        indexes = [models.Index(fields=["status", "-score"], name="duplicate_pair_queue_idx")]

    def __str__(self):
        return f"{self.citizen_a_id} ~ {self.citizen_b_id} ({self.score})"
