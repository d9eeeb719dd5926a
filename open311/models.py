"""Open311 GeoReport v2: which processes reporting apps may send reports to, their extra
questions (attributes), and every report an app sent (its token and what it said)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class Open311Service(models.Model):
    """A process offered to reporting apps (FixMyStreet and others) as an Open311 service."""

    process_code = models.SlugField(
        max_length=60,
        unique=True,
        help_text="The code of the process (every version) reports of this service raise, "
        "e.g. fly-tipping. Only processes about places can be Open311 services.",
    )
    service_code = models.SlugField(
        max_length=60, unique=True, help_text="What apps send as service_code, e.g. fly-tipping."
    )
    service_name = models.CharField(
        max_length=120, blank=True, help_text="Shown in apps; empty uses the process's name."
    )
    description = models.TextField(blank=True, help_text="Empty uses the process's description.")
    group = models.CharField(max_length=100, blank=True, help_text="E.g. Street cleaning.")
    keywords = models.CharField(max_length=200, blank=True, help_text="Comma-separated.")
    active = models.BooleanField(default=True)
    ordering = models.PositiveIntegerField(default=100)

    class Meta:
        verbose_name = "Open311 service"
        ordering = ["ordering", "service_code"]

    def __str__(self):
        return self.service_code


class Open311Attribute(models.Model):
    """An extra question of a service (GeoReport v2 service definition attribute)."""

    class Datatype(models.TextChoices):
        STRING = "string", "Short text (string)"
        NUMBER = "number", "Number"
        DATETIME = "datetime", "Date and time"
        TEXT = "text", "Long text"
        SINGLE = "singlevaluelist", "One of a list (singlevaluelist)"
        MULTI = "multivaluelist", "Any of a list (multivaluelist)"

    LISTS = (Datatype.SINGLE, Datatype.MULTI)

    service = models.ForeignKey(
        Open311Service, on_delete=models.CASCADE, related_name="attributes"
    )
    code = models.SlugField(max_length=60, help_text="Sent by apps as attribute[code].")
    description = models.CharField(max_length=300, help_text="The question, e.g. 'What is it?'")
    datatype = models.CharField(max_length=20, choices=Datatype.choices, default=Datatype.STRING)
    datatype_description = models.CharField(max_length=200, blank=True)
    required = models.BooleanField(default=False)
    variable = models.BooleanField(
        default=True, help_text="Untick for information shown to the reporter, not asked."
    )
    order = models.PositiveIntegerField(default=1)
    values = models.TextField(
        blank=True,
        help_text="For lists: one choice per line as key=name, e.g. 'mattress=Mattress'.",
    )

    class Meta:
        ordering = ["service", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="open311_attribute_code")
        ]

    def __str__(self):
        return f"{self.service}: {self.code}"

    @property
    def choices(self) -> list[tuple[str, str]]:
        pairs = []
        for line in self.values.splitlines():
            if line.strip():
                key, _, name = line.partition("=")
                pairs.append((key.strip(), (name or key).strip()))
        return pairs

    def clean(self):
        if self.datatype in self.LISTS and not self.choices:
            raise ValidationError({"values": "A list needs its choices, one key=name a line."})


class Open311Submission(models.Model):
    """A report a reporting app sent: the request it raised or the one its reporter now
    follows (a likely duplicate), with the app's details. Never published."""

    class Outcome(models.TextChoices):
        CREATED = "created", "Raised a new request"
        FOLLOWED = "followed", "Already reported: the reporter follows it"

    token = models.CharField(max_length=40, unique=True, editable=False)
    service_request = models.ForeignKey(
        "requests_tracking.Request", on_delete=models.CASCADE, related_name="open311_submissions"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The user whose API key sent it (the client system's user).",
    )
    service_code = models.CharField(max_length=60)
    attributes = models.JSONField(default=dict, blank=True)
    media_url = models.URLField(max_length=500, blank=True)
    email = models.EmailField(blank=True)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    device_id = models.CharField(max_length=100, blank=True)
    account_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Open311 {self.token}"
