"""Summaries behind the reports: contacts counted per day and per combination of the filters.

Kept by `reports.summary` (refreshed every 5 minutes by a Celery beat job from the contacts
changed since the last refresh, recounted nightly). Figures that cannot be added up across days
(percentiles) are counted from the raw rows instead.
"""

from django.conf import settings
from django.db import models


def _ref(model):
    return models.ForeignKey(
        model,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )


class ContactDay(models.Model):
    """Contacts started on one day with one combination of the report filters' values."""

    day = models.DateField()
    # Foreign keys without database constraints: the summary joins names in the same query,
    # and never stops reference data being tidied up.
    channel = _ref("contacts.Channel")
    service_area = _ref("organisation.ServiceArea")
    contact_type = _ref("contacts.ContactType")
    location = _ref("organisation.Location")
    team = _ref("organisation.Team")  # the agent's first team (lowest id)
    avoidable_reason = _ref("contacts.AvoidableReason")
    total = models.PositiveIntegerField(default=0)
    anonymous = models.PositiveIntegerField(default=0)
    avoidable = models.PositiveIntegerField(default=0)
    avoidable_known = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    resolved_known = models.PositiveIntegerField(default=0)
    information_sent = models.PositiveIntegerField(default=0)
    repeat = models.PositiveIntegerField(default=0)
    repeat_known = models.PositiveIntegerField(default=0)  # with a citizen and a service area
    ended = models.PositiveIntegerField(default=0)
    handling_seconds = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day"], name="reports_contactday_day_idx")]

    def __str__(self):
        return f"{self.day}: {self.total} contacts"


class ContactHour(models.Model):
    """Contacts started in one hour of one day, per filter combination (the heat map)."""

    day = models.DateField()
    hour = models.PositiveSmallIntegerField()
    channel_id = models.IntegerField(null=True)
    service_area_id = models.IntegerField(null=True)
    location_id = models.IntegerField(null=True)
    team_id = models.IntegerField(null=True)
    total = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day"], name="reports_contacthour_day_idx")]

    def __str__(self):
        return f"{self.day} {self.hour:02d}:00: {self.total} contacts"


class StaffDay(models.Model):
    """Contacts one member of staff handled on one day."""

    day = models.DateField()
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    total = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    resolved_known = models.PositiveIntegerField(default=0)
    ended = models.PositiveIntegerField(default=0)
    handling_seconds = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day", "agent"], name="reports_staffday_idx")]

    def __str__(self):
        return f"{self.day} staff {self.agent_id}: {self.total} contacts"


class SummaryState(models.Model):
    """The one row saying how far the summaries have been brought up to date."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    refreshed_at = models.DateTimeField(null=True)  # when the last refresh started
    changes_seen_to = models.DateTimeField(null=True)  # contacts updated up to here are in

    def __str__(self):
        return f"Report summaries refreshed at {self.refreshed_at}"
