from django.db import models

from core.models import ReferenceData


class Channel(ReferenceData):
    """How the citizen reached us. Codes are an API contract: phone, face_to_face, email…"""

    code = models.SlugField(max_length=30, unique=True)

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
