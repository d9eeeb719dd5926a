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
