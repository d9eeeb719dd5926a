from django.db import models
from django.utils import timezone

from core.models import CreatedByModel


class MessageTemplate(models.Model):
    """Wording of an email/SMS, edited by administrators. Placeholders use {{ name }}."""

    name = models.CharField(max_length=120, unique=True)
    subject = models.CharField(
        max_length=200, blank=True, help_text="Email subject line. Placeholders allowed."
    )
    body = models.TextField(
        help_text=(
            "Email text. Placeholders: {{ reference }}, {{ citizen_name }}, {{ process }}, "
            "{{ stage }}, {{ stage_description }}, {{ status }}, {{ due_date }}, "
            "{{ estimated_completion }}, {{ council_name }}, {{ note }}."
        )
    )
    sms_body = models.CharField(
        "Text message",
        max_length=459,
        blank=True,
        help_text="Used for text messages (three SMS fragments at most). Empty: the email text.",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class MessageQuerySet(models.QuerySet):
    def due(self, now=None):
        now = now or timezone.now()
        return self.filter(
            status__in=[Message.Status.PENDING, Message.Status.SENDING], next_attempt_at__lte=now
        )


class Message(CreatedByModel):
    """One email or text message in the outbox: written with the change that caused it."""

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "Text message"
        # Signed HTTP POSTs to client systems (the integration app's webhook backend).
        WEBHOOK = "webhook", "Webhook"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    idempotency_key = models.CharField(
        max_length=200, unique=True, help_text="One per event, channel and recipient."
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    recipient = models.CharField(max_length=254)
    recipient_kind = models.CharField(
        max_length=20, blank=True, help_text="citizen, officer, team or contractor."
    )
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    citizen = models.ForeignKey(
        "citizens.Citizen", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What the message is about, e.g. "requests_tracking.request" / "42".
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    event = models.CharField(max_length=100, blank=True)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    # When the sweep may (re)try it; while SENDING it is the end of the sender's lease.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    backend = models.CharField(max_length=20, blank=True)
    provider_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="message_due_idx"),
            models.Index(fields=["object_type", "object_id"], name="message_object_idx"),
            models.Index(fields=["citizen", "-created_at"], name="message_citizen_idx"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} to {self.recipient}: {self.subject or self.event}"
