from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.literals import Literal
from core.models import ActiveQuerySet, ReferenceData, TimestampedModel


class ChannelQuerySet(ActiveQuerySet):
    def for_staff(self):
        """The channels a member of staff records a contact or a request on: active ones, not
        those residents use on their own (online forms, reporting apps)."""
        return self.active().filter(self_service=False)


class Channel(ReferenceData):
    """How the citizen reached us. Codes are an API contract: phone, face_to_face, email…"""

    code = models.SlugField(max_length=30, unique=True)
    self_service = models.BooleanField(
        default=False,
        help_text="Residents use it on their own (online forms, reporting apps): it is the "
        "channel of origin of what they send, and staff are not offered it.",
    )

    objects = ChannelQuerySet.as_manager()

    class Meta(ReferenceData.Meta):
        pass


class ContactType(ReferenceData):
    """What a contact was about, within a service area (Missed bin within Waste Management)."""

    service_area = models.ForeignKey(
        "organisation.ServiceArea", on_delete=models.PROTECT, related_name="contact_types"
    )
    lgsl_code = models.CharField("LGSL code", max_length=20, blank=True)

    class Meta(ReferenceData.Meta):
        ordering = ["service_area__ordering", "service_area__name", "ordering", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_area", "name"], name="contact_type_unique_in_area"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.service_area})"


class Outcome(ReferenceData):
    code = models.SlugField(max_length=40, unique=True)

    class Meta(ReferenceData.Meta):
        pass


class AvoidableReason(ReferenceData):
    """Why an avoidable contact happened: chasing progress, unclear letter, duplicate…"""

    class Meta(ReferenceData.Meta):
        constraints = [models.UniqueConstraint(fields=["name"], name="avoidable_reason_unique")]


class PartnerOrganisation(ReferenceData):
    """An outside organisation residents are signposted or referred to."""

    description = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)

    class Meta(ReferenceData.Meta):
        constraints = [models.UniqueConstraint(fields=["name"], name="partner_unique_name")]


class ContactQuerySet(models.QuerySet):
    def open(self):
        # A literal, so that generic plans can use the one-open-contact-per-staff index.
        return self.filter(status=Literal(Contact.Status.OPEN.value))


class Contact(TimestampedModel):
    """One call, visit, email, webchat, social-media message or letter, from start to outcome."""

    class Status(models.TextChoices):
        OPEN = "open", "In progress"
        ENDED = "ended", "Ended"
        AUTO_CLOSED = "auto_closed", "Closed automatically (never ended)"

    citizen = models.ForeignKey(
        "citizens.Citizen",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
        help_text="Empty for an anonymous contact.",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contacts"
    )
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(
        "organisation.Location", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    service_area = models.ForeignKey(
        "organisation.ServiceArea",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contact_type = models.ForeignKey(
        ContactType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.ForeignKey(
        Outcome, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    avoidable = models.BooleanField(null=True, blank=True)
    avoidable_reason = models.ForeignKey(
        AvoidableReason, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at_first_contact = models.BooleanField(null=True, blank=True)
    notes = models.TextField(blank=True)
    partners = models.ManyToManyField(
        PartnerOrganisation,
        blank=True,
        related_name="contacts",
        help_text="Organisations the citizen was signposted or referred to.",
    )
    # Set when the periodic job closed a contact nobody ended, so the agent can complete it.
    needs_review = models.BooleanField(default=False)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        permissions = [("view_reports", "Can view contact reports")]
        constraints = [
            # Everyone (agents and reception alike) holds at most one open contact at a time.
            models.UniqueConstraint(
                fields=["agent"],
                condition=models.Q(status="open"),
                name="contact_one_open_per_staff",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True)
                | models.Q(ended_at__gte=models.F("started_at")),
                name="contact_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(
                fields=["citizen", "-started_at", "-id"], name="contact_citizen_time_idx"
            ),
            models.Index(fields=["agent", "status"], name="contact_agent_status_idx"),
            # The member of staff's last contact (the record page's default location): without
            # it, a prepared statement's generic plan walks contact_time_idx backwards looking
            # for a new agent's first contact — 180 ms at 300,000 contacts (#19).
            models.Index(fields=["agent", "-started_at", "-id"], name="contact_agent_time_idx"),
            models.Index(fields=["-started_at", "-id"], name="contact_time_idx"),
            models.Index(fields=["status", "started_at"], name="contact_status_time_idx"),
            models.Index(fields=["agent", "needs_review"], name="contact_agent_review_idx"),
        ]

    def __str__(self):
        who = self.citizen.full_name if self.citizen_id else "Anonymous"
        return f"{self.channel} contact with {who} on {self.started_at:%d/%m/%Y %H:%M}"

    def get_absolute_url(self):
        return reverse("contacts:detail", kwargs={"pk": self.pk})

    @property
    def is_open(self):
        return self.status == self.Status.OPEN

    @property
    def duration(self):
        """How long the contact lasted (None while open)."""
        if self.ended_at is None:
            return None
        return self.ended_at - self.started_at


class ReportDay(models.Model):
    """A past day whose report figures are summarised in `ReportDayCount` rows.

    Kept by `contacts.reports`: built the first time a report covers the day (or by
    `manage.py contacts_report_summary`), forgotten by the contact services whenever a contact
    started that day is started, ended or recorded, so the next report counts it again.
    """

    day = models.DateField(primary_key=True)
    built_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["day"]

    def __str__(self):
        return f"Report figures for {self.day:%d/%m/%Y}"


class ReportDayCount(models.Model):
    """Contacts started on one day, for one value of one report breakdown."""

    class Breakdown(models.TextChoices):
        ALL = "all", "All contacts"
        CHANNEL = "channel", "Channel"
        SERVICE_AREA = "service_area", "Service area"
        CONTACT_TYPE = "contact_type", "Contact type"
        LOCATION = "location", "Location"
        HOUR = "hour", "Hour"

    day = models.ForeignKey(ReportDay, on_delete=models.CASCADE, related_name="counts")
    breakdown = models.CharField(max_length=16, choices=Breakdown.choices)
    key = models.IntegerField(
        null=True, blank=True
    )  # the value's id, or the hour; None: not recorded
    key2 = models.IntegerField(null=True, blank=True)  # a contact type's service area
    total = models.PositiveIntegerField(default=0)
    avoidable = models.PositiveIntegerField(default=0)
    avoidable_known = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    resolved_known = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day", "breakdown"], name="report_day_count_idx")]

    def __str__(self):
        return f"{self.day_id} {self.breakdown} {self.key}: {self.total}"
