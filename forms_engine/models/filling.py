"""What people fill in: one `Submission` row from the first saved page to the submitted form,
pinned to the version it started on; its uploaded files; resume tokens (hashes only)."""

from django.conf import settings
from django.db import models
from django.urls import reverse


class Submission(models.Model):
    """A form being filled in (a draft) or sent (submitted), always on one frozen version."""

    class Status(models.TextChoices):
        DRAFT = "draft", "In progress"
        SUBMITTED = "submitted", "Submitted"

    class Via(models.TextChoices):
        PUBLIC = "public", "Citizen portal"
        STAFF = "staff", "Staff on the citizen's behalf"
        PARTNER = "partner", "Partner portal"

    form = models.ForeignKey("forms_engine.Form", on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(
        "forms_engine.FormVersion", on_delete=models.PROTECT, related_name="submissions"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    via = models.CharField(max_length=10, choices=Via.choices, default=Via.PUBLIC)
    reference = models.CharField(max_length=20, unique=True, null=True, blank=True)
    citizen = models.ForeignKey(
        "citizens.Citizen",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="form_submissions",
    )
    needs_citizen_link = models.BooleanField(
        default=False,
        help_text="A resident's details matched no single citizen: staff link it by hand.",
    )
    # Answers as entered, by field key (files: ids of SubmissionFile rows).
    answers = models.JSONField(default=dict, blank=True)
    current_page = models.CharField(max_length=60, blank=True)
    # The pages this person has completed, in order (for "back" and for where drafts stop).
    pages_done = models.JSONField(default=list, blank=True)
    # Decided by rules at submission: process code and service area slug.
    routing = models.JSONField(default=dict, blank=True)
    applicant_name = models.CharField(max_length=200, blank=True)
    applicant_email = models.EmailField(blank=True)
    applicant_phone = models.CharField(max_length=20, blank=True, help_text="E.164")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when the resident started it themselves.",
    )
    last_saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(auto_now_add=True)
    last_saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    channel = models.ForeignKey(
        "contacts.Channel", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="form_submissions",
    )
    request = models.ForeignKey(
        "requests_tracking.Request",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="form_submissions",
    )
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="Unfinished drafts are deleted after this."
    )
    keep_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Submissions that started no request are deleted after this.",
    )

    class Meta:
        ordering = ["-last_saved_at", "-id"]
        permissions = [
            ("export_submission", "Can export a form's submissions and see its completion figures")
        ]
        indexes = [
            models.Index(
                fields=["citizen", "status", "-last_saved_at"], name="submission_citizen_idx"
            ),
            # The administrator's list of a form's submissions: filtered by status and by the
            # date it shows and sorts by (last saved; a sent form's is when it was sent).
            models.Index(
                fields=["form", "status", "-last_saved_at", "-id"],
                name="submission_form_saved_idx",
            ),
            models.Index(fields=["status", "expires_at"], name="submission_expiry_idx"),
            models.Index(
                fields=["needs_citizen_link"],
                name="submission_unlinked_idx",
                condition=models.Q(needs_citizen_link=True),
            ),
        ]

    def __str__(self):
        return self.reference or f"Draft {self.pk} of {self.form_id}"

    def get_absolute_url(self):
        return reverse("forms_engine:submission", kwargs={"pk": self.pk})

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT


def submission_file_path(instance, filename):
    # The uploader's file name never reaches the file system.
    return f"forms/{instance.submission_id}/{instance.stored_name}"


class SubmissionFile(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    field_key = models.CharField(max_length=60)
    file = models.FileField(upload_to=submission_file_path, max_length=255)
    stored_name = models.CharField(max_length=80, editable=False)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class ResumeToken(models.Model):
    """A 'come back later' link or text-message code. Only its SHA-256 hash is stored."""

    class Kind(models.TextChoices):
        LINK = "link", "Email link"
        CODE = "code", "Text message code"

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="resume_tokens"
    )
    kind = models.CharField(max_length=5, choices=Kind.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    sent_to = models.CharField(max_length=254)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.submission_id}"
