"""Summaries behind the reports: contacts counted per day and per combination of the filters.

Kept by `reports.summary` (refreshed every 5 minutes by a Celery beat job from the contacts
and requests changed since the last refresh, recounted nightly). Percentiles cannot be added up
across days, so times are kept as histograms (`*Band`: how many fell in each band of time) and
percentiles are read from the band counts; averages stay exact (sums and counts).
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


class ContactCombination(models.Model):
    """A day and one combination of the contact report filters' values: what the contact
    summaries are counted by. Foreign keys without database constraints: the summary joins
    names in the same query, and never stops reference data being tidied up."""

    day = models.DateField()
    channel = _ref("contacts.Channel")
    service_area = _ref("organisation.ServiceArea")
    contact_type = _ref("contacts.ContactType")
    location = _ref("organisation.Location")
    team = _ref("organisation.Team")  # the agent's first team (lowest id)

    class Meta:
        abstract = True


class ContactDay(ContactCombination):
    """Contacts started on one day with one combination of the report filters' values."""

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


class StaffStageDay(models.Model):
    """Stage stays one member of staff ended on one day: moved on, and of those resolved."""

    day = models.DateField()
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    moved = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day", "agent"], name="reports_staffstageday_idx")]

    def __str__(self):
        return f"{self.day} staff {self.agent_id}: {self.moved} stages completed"


class HandlingBand(ContactCombination):
    """Ended contacts of one day and combination whose handling time fell in one band.

    `band`: the band's middle in seconds: handling time to the nearest minute under an hour,
    to the nearest 5 minutes under 4 hours; 4 hours or more is one band (14,400)."""

    band = models.PositiveIntegerField()
    total = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day"], name="reports_handlingband_day_idx")]

    def __str__(self):
        return f"{self.day} ~{self.band} s: {self.total} contacts"


class PartnerDay(ContactCombination):
    """Contacts of one day and combination signposted to one partner organisation."""

    partner = _ref("contacts.PartnerOrganisation")
    total = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day"], name="reports_partnerday_day_idx")]

    def __str__(self):
        return f"{self.day} partner {self.partner_id}: {self.total} contacts"


class RequestDay(models.Model):
    """Requests opened and resolved on one day, per process, service area, channel and team."""

    day = models.DateField()
    process = _ref("requests_tracking.Process")
    service_area = _ref("organisation.ServiceArea")
    channel = _ref("contacts.Channel")
    team = _ref("organisation.Team")
    opened = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day"], name="reports_requestday_day_idx")]

    def __str__(self):
        return f"{self.day}: {self.opened} opened, {self.resolved} resolved"


class StageBand(models.Model):
    """Stays in one stage that ended on one day with an SLA outcome, per request filters, whose
    working time fell in one band: a histogram for the 90th percentile, with exact sums.

    `band`: the band's middle in working seconds: to the nearest tenth of a working day (2,880
    s) under 20 working days, to the nearest working day under 100; 100 or more is one band.
    `working_seconds` and `paused_seconds` are exact sums (averages are exact)."""

    day = models.DateField()
    stage = _ref("requests_tracking.Stage")
    service_area = _ref("organisation.ServiceArea")
    channel = _ref("contacts.Channel")
    team = _ref("organisation.Team")
    band = models.PositiveIntegerField()
    total = models.PositiveIntegerField(default=0)
    met = models.PositiveIntegerField(default=0)
    working_seconds = models.FloatField(default=0)
    paused_seconds = models.FloatField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day"], name="reports_stageband_day_idx")]

    def __str__(self):
        return f"{self.day} stage {self.stage_id} ~{self.band} s: {self.met}/{self.total} in SLA"


class SummaryState(models.Model):
    """The one row saying how far the summaries have been brought up to date."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    refreshed_at = models.DateTimeField(null=True)  # when the last refresh started
    changes_seen_to = models.DateTimeField(null=True)  # contacts updated up to here are in

    def __str__(self):
        return f"Report summaries refreshed at {self.refreshed_at}"
