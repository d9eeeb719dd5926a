from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.models import CreatedByModel, TimestampedModel


class Process(models.Model):
    """A kind of request and its ordered stages. Editing a process in use makes a new version."""

    code = models.SlugField(
        max_length=60, help_text="Shared by every version of the process, e.g. bulky-waste."
    )
    version = models.PositiveIntegerField(default=1)
    is_current = models.BooleanField(
        default=True, help_text="New requests use the current version; open ones keep theirs."
    )
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, help_text="Shown to staff and citizens.")
    service_area = models.ForeignKey(
        "organisation.ServiceArea", on_delete=models.PROTECT, related_name="processes"
    )
    default_team = models.ForeignKey(
        "organisation.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="New requests are assigned to this team.",
    )
    contact_types = models.ManyToManyField(
        "contacts.ContactType",
        blank=True,
        related_name="processes",
        help_text="Contact types that start this process.",
    )
    closure_template = models.ForeignKey(
        "notifications.MessageTemplate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Sent to the citizen when a resolved request closes automatically.",
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Reports about places (fly-tipping, potholes…): where, and what counts as the same report.
    place_based = models.BooleanField(
        "About a place",
        default=False,
        help_text="Requests need a location (address, street or point on a map) and are checked "
        "for open reports of the same thing nearby.",
    )
    duplicate_radius_m = models.PositiveIntegerField(
        "Same-place radius (metres)",
        default=100,
        validators=[MinValueValidator(5), MaxValueValidator(2000)],
        help_text="Open reports within this distance are offered as possible duplicates.",
    )
    duplicate_max_age_days = models.PositiveIntegerField(
        "Look back (days)",
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text="Only open reports raised within this many days are offered as duplicates.",
    )
    related_contact_types = models.ManyToManyField(
        "contacts.ContactType",
        blank=True,
        related_name="related_processes",
        help_text="Reports of processes started by these contact types may be the same thing "
        "(e.g. fly-tipping and bulky waste dumped): they are offered as duplicates too, and "
        "the other way round.",
    )

    class Meta:
        verbose_name_plural = "processes"
        ordering = ["service_area__name", "name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="process_code_version"),
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(is_current=True), name="process_one_current"
            ),
        ]

    def __str__(self):
        return self.name if self.version == 1 else f"{self.name} (version {self.version})"


class Stage(models.Model):
    class Unit(models.TextChoices):
        DAYS = "days", "Working days"
        HOURS = "hours", "Working hours"

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveIntegerField(default=1)
    name = models.CharField(max_length=120)
    citizen_description = models.TextField(
        blank=True, help_text="What happens at this stage, in words the citizen understands."
    )
    sla_amount = models.PositiveIntegerField("SLA", default=5)
    sla_unit = models.CharField("SLA unit", max_length=5, choices=Unit.choices, default=Unit.DAYS)
    pauses_while_waiting = models.BooleanField(
        "Clock stops while waiting for the citizen", default=True
    )

    class Meta:
        ordering = ["process", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["process", "order"], name="stage_unique_order")
        ]

    def __str__(self):
        return f"{self.order}. {self.name}"

    @property
    def sla_label(self):
        unit = "working day" if self.sla_unit == self.Unit.DAYS else "working hour"
        return f"{self.sla_amount} {unit}{'' if self.sla_amount == 1 else 's'}"


class StageAction(models.Model):
    """Something that happens at a stage: a message to someone when a trigger fires."""

    class Trigger(models.TextChoices):
        ENTER = "enter", "When the stage is entered"
        SHARE = "share", "When a share of the SLA has passed"
        BREACH = "breach", "When the SLA is breached"
        RESOLVE = "resolve", "When the request is resolved at this stage"

    class Recipient(models.TextChoices):
        CITIZEN = "citizen", "The citizen"
        OFFICER = "officer", "The assigned officer"
        TEAM = "team", "The assigned team's mailbox"
        CONTRACTOR = "contractor", "A contractor (email address below)"

    class Channel(models.TextChoices):
        PREFERRED = "preferred", "Citizen's preference (email, else text)"
        EMAIL = "email", "Email"
        SMS = "sms", "Text message"

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="actions")
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    share_percent = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="For 'a share of the SLA': e.g. 80 (per cent)."
    )
    recipient = models.CharField(max_length=12, choices=Recipient.choices)
    contractor_email = models.EmailField(blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.PREFERRED)
    template = models.ForeignKey(
        "notifications.MessageTemplate", on_delete=models.PROTECT, related_name="+"
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["stage", "trigger", "id"]

    def __str__(self):
        when = self.get_trigger_display()
        if self.trigger == self.Trigger.SHARE:
            when = f"At {self.share_percent}% of the SLA"
        return f"{when}: {self.get_recipient_display()} ({self.template})"


# Request.LIVE_STATUSES as plain values, for index conditions (Meta cannot see class attributes).
_LIVE = ["open", "waiting", "on_hold"]


class RequestQuerySet(models.QuerySet):
    def live(self):
        return self.filter(status__in=Request.LIVE_STATUSES)


class Request(TimestampedModel, CreatedByModel):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        WAITING = "waiting", "Waiting for citizen"
        ON_HOLD = "on_hold", "On hold"
        RESOLVED = "resolved", "Resolved"
        CLOSED = "closed", "Closed"
        CANCELLED = "cancelled", "Cancelled"

    class SlaState(models.TextChoices):
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"
        BREACHED = "breached", "Breached"

    LIVE_STATUSES = [Status.OPEN, Status.WAITING, Status.ON_HOLD]

    reference = models.CharField(max_length=20, unique=True, editable=False)
    citizen = models.ForeignKey(
        "citizens.Citizen",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
        help_text="Empty for an anonymous report.",
    )
    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="requests")
    current_stage = models.ForeignKey(Stage, null=True, on_delete=models.PROTECT, related_name="+")
    current_visit = models.ForeignKey(
        "StageVisit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    sla_state = models.CharField(
        "SLA", max_length=10, choices=SlaState.choices, default=SlaState.ON_TRACK
    )
    description = models.TextField()
    channel = models.ForeignKey(
        "contacts.Channel", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    originating_contact = models.ForeignKey(
        "contacts.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requests",
    )
    address_line_1 = models.CharField("Address or location", max_length=200, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    postcode_compact = models.CharField(max_length=7, blank=True, editable=False)
    uprn = models.CharField("UPRN", max_length=12, blank=True)
    usrn = models.CharField("USRN", max_length=12, blank=True, help_text="The street's reference.")
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    service_area = models.ForeignKey(
        "organisation.ServiceArea", on_delete=models.PROTECT, related_name="requests"
    )
    team = models.ForeignKey(
        "organisation.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_requests",
    )
    # The overall target, fixed when the request is raised: moved only by the clock stopping
    # while waiting for the citizen and by an explicit change with a reason (request_due_change).
    due_at = models.DateTimeField("Due", null=True, blank=True)
    # When the current overall target was missed (cleared only if a later one is agreed).
    overall_breached_at = models.DateTimeField(null=True, blank=True)
    # When this request first missed any target, a stage's or the overall one; never cleared.
    breached_at = models.DateTimeField(null=True, blank=True)
    estimated_completion_at = models.DateTimeField(null=True, blank=True)
    # The next SLA checkpoint (share warning or breach) of the current stage; swept by the minute.
    next_check_at = models.DateTimeField(null=True, blank=True)
    waiting_since = models.DateTimeField(null=True, blank=True)
    status_reason = models.TextField(blank=True, help_text="Why it is on hold or cancelled.")
    resolution = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Counts the changes made through the transitions (services.guards.ExpectedState): a page
    # or client that read an older version is told the request has moved on.
    version = models.PositiveIntegerField(default=0, editable=False)
    followers = models.ManyToManyField(
        "citizens.Citizen", blank=True, related_name="followed_requests"
    )
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
        help_text="Set when staff mark this request as a duplicate of another (it is closed).",
    )

    objects = RequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("work_request", "Can work requests: move stages, hold, resolve, cancel"),
            # Team leaders and administrators: with no service areas of their own they work
            # every area's requests; an officer with no service areas works none.
            ("work_any_area", "Can work requests of every service area when given none"),
        ]
        indexes = [
            models.Index(
                fields=["next_check_at"],
                name="request_next_check_idx",
                condition=models.Q(next_check_at__isnull=False),
            ),
            models.Index(fields=["status", "-created_at"], name="request_status_idx"),
            models.Index(fields=["citizen", "-created_at"], name="request_citizen_idx"),
            models.Index(fields=["service_area", "status"], name="request_area_status_idx"),
            models.Index(fields=["assigned_to", "status"], name="request_assignee_idx"),
            models.Index(fields=["process", "postcode_compact"], name="request_place_idx"),
            models.Index(fields=["resolved_at"], name="request_resolved_idx"),
            # The requests report's "open now" table and breached/at-risk lists read open
            # requests only: covering partial indexes, so neither visits the table's pages.
            models.Index(
                fields=["process", "current_stage"],
                name="request_live_stage_idx",
                include=["created_at", "sla_state", "service_area", "channel", "team"],
                condition=models.Q(status__in=_LIVE),
            ),
            models.Index(
                fields=["sla_state", "due_at", "id"],
                name="request_live_due_idx",
                condition=models.Q(status__in=_LIVE),
            ),
            # The duplicate finder's lookups touch open requests only: small partial indexes.
            models.Index(
                fields=["latitude", "longitude"],
                name="request_live_point_idx",
                condition=models.Q(status__in=_LIVE, latitude__isnull=False),
            ),
            models.Index(
                fields=["uprn"],
                name="request_live_uprn_idx",
                condition=models.Q(status__in=_LIVE) & ~models.Q(uprn=""),
            ),
            models.Index(
                fields=["usrn"],
                name="request_live_usrn_idx",
                condition=models.Q(status__in=_LIVE) & ~models.Q(usrn=""),
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.process.name}"

    def get_absolute_url(self):
        return reverse("requests_tracking:detail", kwargs={"pk": self.pk})

    @property
    def is_live(self):
        return self.status in self.LIVE_STATUSES


class StageVisit(models.Model):
    """One stay of a request in a stage: the stage history, with its SLA outcome."""

    class Exit(models.TextChoices):
        ADVANCED = "advanced", "Moved to the next stage"
        BACK = "back", "Moved back"
        RESOLVED = "resolved", "Resolved"
        CANCELLED = "cancelled", "Cancelled"

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="visits")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="visits")
    entered_at = models.DateTimeField()
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_at = models.DateTimeField()
    paused_seconds = models.FloatField(
        default=0, help_text="Working seconds the clock stood still waiting for the citizen."
    )
    left_at = models.DateTimeField(null=True, blank=True)
    left_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    exit = models.CharField(max_length=10, choices=Exit.choices, blank=True)
    working_seconds = models.FloatField(
        null=True, blank=True, help_text="Working time taken, less pauses (set when it is left)."
    )
    sla_met = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["entered_at", "id"]
        indexes = [models.Index(fields=["stage", "left_at"], name="visit_stage_left_idx")]
        constraints = [
            # A request is in one stage at a time: two open stays would mean two transitions
            # raced past each other (services.guards.request_locked prevents it).
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(left_at__isnull=True),
                name="visit_one_open_per_request",
            )
        ]

    def __str__(self):
        return f"{self.request_id} in {self.stage}"


class ActionFiring(models.Model):
    """A timed or event action that has fired: unique, so each fires once per stage visit."""

    visit = models.ForeignKey(StageVisit, on_delete=models.CASCADE, related_name="firings")
    # Which checkpoint: an action's id, or "at_risk"/"breach" for the SLA state itself.
    key = models.CharField(max_length=40)
    fired_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["visit", "key"], name="firing_once_per_visit")
        ]

    def __str__(self):
        return f"{self.key} fired for visit {self.visit_id}"


class RequestNote(models.Model):
    class Kind(models.TextChoices):
        NOTE = "note", "Note"
        INFORMATION_REQUEST = "info_request", "Information requested from the citizen"
        CITIZEN_REPLY = "citizen_reply", "Citizen's reply"
        SYSTEM = "system", "Status change"

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=15, choices=Kind.choices, default=Kind.NOTE)
    text = models.TextField()
    visible_to_citizen = models.BooleanField(default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_citizen = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.request_id}"


def evidence_path(instance, filename):
    # The uploader's file name never reaches the file system (path tricks, clashes).
    return f"evidence/{instance.request_id}/{instance.stored_name}"


class Evidence(models.Model):
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=255)
    stored_name = models.CharField(max_length=80, editable=False)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    description = models.CharField(max_length=200, blank=True)
    visible_to_citizen = models.BooleanField(default=False)
    from_citizen = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return self.original_name


class RequestFollowerEmail(models.Model):
    """An email address signed up to be told of a request's progress.

    Followers who are citizens on record are `Request.followers`; these are people who only gave
    an email address (a neighbour who saw the fly-tipping, the reporter's relative, a reporting
    app's user). Every sign-up waits for the address owner to confirm it through the link in a
    first email (`requests_tracking.services.followers`); only confirmed ones are told anything.
    Rows are kept when a sign-up expires or the person stops following, so the daily limit per
    address counts them.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        EXPIRED = "expired", "Not confirmed in time"
        STOPPED = "stopped", "Stopped following"

    class Source(models.TextChoices):
        TRACKING_PAGE = "tracking_page", "Tracking page"
        STAFF = "staff", "Added by staff"
        FOLLOW_INSTEAD = "follow_instead", "Followed instead of reporting again"
        MERGE = "merge", "Moved from a merged request"
        FORM = "form", "Online form"
        OPEN311 = "open311", "Reporting app (Open311)"
        API = "api", "Client system"

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="follower_emails")
    email = models.EmailField(help_text="Stored in lower case.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.TRACKING_PAGE)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    ACTIVE = (Status.PENDING, Status.CONFIRMED)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "email"],
                condition=models.Q(status__in=["pending", "confirmed"]),
                name="request_follower_email_active_uniq",
            )
        ]
        indexes = [
            models.Index(fields=["email", "created_at"], name="follower_email_signups_idx"),
            models.Index(
                fields=["created_at"],
                name="follower_email_pending_idx",
                condition=models.Q(status="pending"),
            ),
        ]

    def __str__(self):
        return f"{self.email} follows {self.request_id} ({self.get_status_display()})"


class RequestDuplicateLink(models.Model):
    """A request marked as a duplicate of another: its followers and reporter moved to the
    original and it was closed. Kept for the history, and for undoing it the same day (`moved`
    says exactly what to put back)."""

    duplicate = models.ForeignKey(
        Request, on_delete=models.CASCADE, related_name="duplicate_links"
    )
    original = models.ForeignKey(
        Request, on_delete=models.CASCADE, related_name="duplicate_links_received"
    )
    reason = models.TextField(blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    marked_at = models.DateTimeField()
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # {"emails_moved": [follower ids], "emails_stopped": [[id, status before], …],
    #  "citizens": [ids],
    #  "reporter_added": bool, "status": previous status, "status_reason": previous reason}
    moved = models.JSONField(default=dict)

    class Meta:
        ordering = ["-marked_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["duplicate"],
                condition=models.Q(undone_at__isnull=True),
                name="request_duplicate_once",
            )
        ]

    def __str__(self):
        return f"{self.duplicate_id} duplicate of {self.original_id}"


class WorkingTimeSettings(models.Model):
    """One row: which UK nation's bank holidays SLAs skip (the BANK_HOLIDAY_NATION setting is
    only the default until an administrator saves this)."""

    class Nation(models.TextChoices):
        ENGLAND_AND_WALES = "ENG", "England and Wales"
        SCOTLAND = "SCT", "Scotland"
        NORTHERN_IRELAND = "NIR", "Northern Ireland"

    bank_holiday_nation = models.CharField(
        max_length=3,
        choices=Nation.choices,
        help_text="SLA due dates skip this nation's bank holidays. Requests already raised "
        "keep the due dates they have; new dates use this.",
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "working time setting"
        verbose_name_plural = "working time (bank holidays)"

    def __str__(self):
        return f"Bank holidays: {self.get_bank_holiday_nation_display()}"
