from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    """Roles are auth groups (created by a data migration); these are their names."""

    AGENT = "Contact centre agent"
    RECEPTION = "Reception"
    SERVICE_OFFICER = "Service officer"
    TEAM_LEADER = "Team leader"
    ADMINISTRATOR = "Administrator"
    # Staff of a partner organisation: fill in the forms of their partner portals, nothing else.
    PARTNER = "Partner"


class Staff(AbstractUser):
    """A member of council staff who signs in."""

    service_areas = models.ManyToManyField(
        "organisation.ServiceArea", blank=True, related_name="staff"
    )
    teams = models.ManyToManyField("organisation.Team", blank=True, related_name="members")
    usual_location = models.ForeignKey(
        "organisation.Location",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Used as the default location when this person starts a contact.",
    )
    job_title = models.CharField(max_length=120, blank=True)

    class Meta:
        verbose_name = "member of staff"
        verbose_name_plural = "staff"
        ordering = ["first_name", "last_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def role_names(self):
        # Read once per instance (a page asks several times); request.user is fresh each time.
        if "_role_names" not in self.__dict__:
            self.__dict__["_role_names"] = [g.name for g in self.groups.all()]
        return self.__dict__["_role_names"]

    @property
    def role_label(self):
        names = self.role_names
        if self.is_superuser and not names:
            return Role.ADMINISTRATOR.value
        return ", ".join(names) or "No role"

    def has_role(self, *roles):
        return self.is_superuser or any(r in self.role_names for r in roles)


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        """Not revoked and not expired (at `now`)."""
        from django.utils import timezone

        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A key for the API, kept only as a SHA-256 hash of a high-entropy secret.

    The key (`crm_<prefix>_<secret>`) is shown once, when it is made (`accounts.tokens.
    api_token_create`); `prefix` is not secret and finds the row, the hash proves the rest.
    Keys carried over from the old plain-text tokens are found by their first 12 characters.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What or who uses it, e.g. FixMyStreet.")
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    read_only = models.BooleanField(
        default=False, help_text="Reads only: any write (POST, PUT, PATCH, DELETE) gets 403."
    )
    scopes = models.JSONField(
        default=list,
        blank=True,
        help_text="Extra limits for client systems' tokens (e.g. service_account:council_tax).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never expires.")
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API token"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def status(self) -> str:
        from django.utils import timezone

        if self.revoked_at:
            return "revoked"
        if self.expires_at and self.expires_at <= timezone.now():
            return "expired"
        return "active"

    def has_scope(self, scope: str) -> bool:
        """Tokens without scopes may do what their owner may do; scoped ones only their scopes."""
        return not self.scopes or scope in self.scopes
