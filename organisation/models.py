from django.db import models

from core.models import ReferenceData


class ServiceArea(ReferenceData):
    """A council department or service (Waste Management, Council Tax…)."""

    slug = models.SlugField(max_length=60, unique=True)
    lgsl_code = models.CharField(
        "LGSL code", max_length=20, blank=True, help_text="Local Government Service List code."
    )
    description = models.TextField(blank=True)

    class Meta(ReferenceData.Meta):
        constraints = [models.UniqueConstraint(fields=["name"], name="service_area_unique_name")]


class Location(ReferenceData):
    """Where a contact happens: the contact centre, a reception desk, a library hub."""

    class Kind(models.TextChoices):
        CONTACT_CENTRE = "contact_centre", "Contact centre"
        RECEPTION = "reception", "Reception"
        COMMUNITY_HUB = "community_hub", "Library or community hub"
        REMOTE = "remote", "Home or remote working"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    address = models.TextField(blank=True)

    class Meta(ReferenceData.Meta):
        constraints = [models.UniqueConstraint(fields=["name"], name="location_unique_name")]


class Team(ReferenceData):
    """A team of officers within a service area that requests can be assigned to."""

    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="teams")
    email = models.EmailField(blank=True, help_text="Shared mailbox for team notifications.")

    class Meta(ReferenceData.Meta):
        constraints = [
            models.UniqueConstraint(fields=["service_area", "name"], name="team_unique_name")
        ]
