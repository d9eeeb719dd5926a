import calendar
import datetime

from django.conf import settings
from django.db import models

from core.actors import ActorKind

# Models that moved to another app. Audit rows are append-only, so rows written before a move
# keep the object type they were written with; read through `for_object_type` and
# `AuditEvent.current_object_type`, which understand both names.
OBJECT_TYPE_MOVES = {
    "citizens.serviceaccount": "verification.serviceaccount",
}


def object_type_names(label: str) -> set[str]:
    """The label and every earlier name of the same model."""
    return {label} | {old for old, new in OBJECT_TYPE_MOVES.items() if new == label}


class AuditEventQuerySet(models.QuerySet):
    def about_citizen(self, citizen):
        """Rows naming this citizen or any record merged into it: a merge never repoints audit
        rows (each names the record actually viewed), so readers follow the merge pointers."""
        model = self.model._meta.get_field("citizen").related_model
        ids, frontier = {citizen.pk}, [citizen.pk]
        while frontier:
            frontier = [
                pk
                for pk in model.objects.filter(merged_into_id__in=frontier).values_list(
                    "pk", flat=True
                )
                if pk not in ids
            ]
            ids.update(frontier)
        return self.filter(citizen_id__in=ids)

    def for_object_type(self, label: str):
        """Rows about objects of this type ("verification.serviceaccount"), old names too."""
        return self.filter(object_type__in=object_type_names(label))

    def update(self, **kwargs):  # noqa: ARG002
        raise PermissionError("The audit trail is append-only.")

    def delete(self):
        raise PermissionError("The audit trail is append-only.")


class AuditEvent(models.Model):
    """Who looked at or changed what, when, and from which contact. Append-only."""

    # The one list of audit actions (values are stored: never change one).

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        SEARCH = "search", "Searched"
        CREATE = "create", "Created"
        CHANGE = "change", "Changed"
        MERGE = "merge", "Merged"
        UNMERGE = "unmerge", "Merge undone"
        EXPORT = "export", "Exported"
        VERIFY = "verify", "Verification attempt"
        DOWNLOAD = "download", "Downloaded a file"
        SIGN_IN = "sign_in", "Signed in"
        SIGN_OUT = "sign_out", "Signed out"
        SIGN_IN_FAILED = "sign_fail", "Sign-in failed"

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # Who it was (core.actors): staff, citizen, client system or the system. Blank on rows
    # written before kinds were recorded (append-only: never filled in later); read
    # `actor_kind_effective`, which works them out from `actor`.
    actor_kind = models.CharField(max_length=10, choices=ActorKind.choices, blank=True)
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    citizen = models.ForeignKey(
        "citizens.Citizen", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_type = models.CharField(max_length=100, blank=True, help_text="app_label.model")
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    # Which contact the staff member was handling at the time (contacts.Contact id), if any.
    contact_id = models.BigIntegerField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["citizen", "-occurred_at"], name="audit_citizen_time_idx"),
            models.Index(fields=["actor", "-occurred_at"], name="audit_actor_time_idx"),
        ]

    def __str__(self):
        return f"{self.occurred_at:%d/%m/%Y %H:%M} {self.actor} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit trail is append-only.")

    @property
    def actor_kind_effective(self) -> str:
        if self.actor_kind:
            return self.actor_kind
        return ActorKind.STAFF if self.actor_id else ActorKind.SYSTEM

    @property
    def actor_display(self) -> str:
        if self.actor_kind_effective == ActorKind.STAFF:
            return str(self.actor)
        return self.actor_label or ActorKind(self.actor_kind_effective).label

    @property
    def current_object_type(self) -> str:
        """The object type under the model's present name."""
        return OBJECT_TYPE_MOVES.get(self.object_type, self.object_type)


def one_calendar_month_after(day: datetime.date) -> datetime.date:
    """The ICO deadline: the same date next month, or that month's last day if it has none."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last))


class SubjectAccessRequest(models.Model):
    """A citizen's request for everything held about them (UK GDPR Article 15)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        EXPORTED = "exported", "Exported"
        CLOSED = "closed", "Closed"

    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.PROTECT, related_name="subject_access_requests"
    )
    received_on = models.DateField(help_text="The day the request reached the council.")
    due_on = models.DateField(help_text="One calendar month after it was received (ICO rule).")
    requested_by = models.CharField(
        max_length=200, help_text="Who asked: the citizen, or their representative and why."
    )
    identity_checked = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    logged_at = models.DateTimeField(auto_now_add=True)
    exported_at = models.DateTimeField(null=True, blank=True)
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    export_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = "subject access request"
        permissions = [
            ("export_subjectaccessrequest", "Can export everything held about a citizen")
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="sar_status_due_idx")]

    def __str__(self):
        return f"Subject access request {self.pk} ({self.citizen_id}) due {self.due_on:%d/%m/%Y}"

    @property
    def reference(self):
        return f"SAR-{self.pk:05d}"


# The one enum of audit actions, by its own name for callers that do not need the model.
AuditAction = AuditEvent.Action
