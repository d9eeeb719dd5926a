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
