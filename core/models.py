from django.conf import settings
from django.db import models


class ActiveQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class ReferenceData(models.Model):
    """Admin-maintained lookup rows: retired with `active`, never deleted."""

    name = models.CharField(max_length=120)
    active = models.BooleanField(default=True, help_text="Untick to retire instead of deleting.")
    ordering = models.PositiveIntegerField(default=100, help_text="Lower numbers come first.")

    objects = ActiveQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["ordering", "name"]

    def __str__(self):
        return self.name


class Sequence(models.Model):
    """Named counters for human-readable references (citizen numbers, REQ-2026-000123…)."""

    name = models.CharField(max_length=60, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.name}={self.value}"


# --- Shared fields, declared once ------------------------------------------------------------
# Models that record when and by whom they were made or changed inherit these instead of
# declaring the fields themselves (adopted where the fields were already exactly these, so no
# migration changed a column).


class TimestampedModel(models.Model):
    """`created_at` and `updated_at`, set by Django on insert and on every save."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class CreatedByModel(models.Model):
    """`created_by`: the member of staff (or client system's user) who made the row."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True


class UpdatedByModel(models.Model):
    """`updated_by`: who last changed the row (set by the app's service, never in a form)."""

    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        abstract = True
