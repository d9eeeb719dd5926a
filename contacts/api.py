"""Contacts API for telephony, webchat and back-office systems (documented in the OpenAPI schema).

Reference lists: service areas, contact types (`id`, `name`, `service_area`), outcomes,
locations, channels. `POST /api/v1/contacts/` records a whole contact; `GET` lists them with
the same filters as the history screen.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers

from audit.models import AuditEvent
from audit.services import audit_record
from citizens.models import Citizen
from contacts.filters import ContactFilter
from contacts.models import (
    AvoidableReason,
    Channel,
    Contact,
    ContactType,
    Outcome,
    PartnerOrganisation,
)
from contacts.selectors import agent_outcomes
from contacts.services import contact_record
from core.api.permissions import StaffModelPermissions
from core.api.schema import null_when_read
from organisation.models import Location, ServiceArea

# --- reference data ---------------------------------------------------------------------------


class ServiceAreaRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceArea
        fields = ["id", "name", "slug", "lgsl_code"]


class ContactTypeRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContactType
        fields = ["id", "name", "service_area", "lgsl_code"]


class OutcomeRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outcome
        fields = ["id", "name", "code"]


class LocationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Location
        fields = ["id", "name", "kind"]


class ChannelRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Channel
        fields = ["id", "name", "code"]


class _ReferenceList(generics.ListAPIView):
    """Active rows only, in the order administrators set."""

    filter_backends = []


@extend_schema(summary="Service areas", tags=["reference data"])
class ServiceAreaList(_ReferenceList):
    serializer_class = ServiceAreaRefSerializer
    queryset = ServiceArea.objects.active()


@extend_schema(summary="Contact types (each within a service area)", tags=["reference data"])
class ContactTypeList(_ReferenceList):
    serializer_class = ContactTypeRefSerializer

    def get_queryset(self):
        queryset = ContactType.objects.active().filter(service_area__active=True)
        area = self.request.query_params.get("service_area")
        if area and area.isdigit():
            queryset = queryset.filter(service_area_id=int(area))
        return queryset


@extend_schema(summary="Contact outcomes an agent can record", tags=["reference data"])
class OutcomeList(_ReferenceList):
    serializer_class = OutcomeRefSerializer

    def get_queryset(self):
        return agent_outcomes()


@extend_schema(summary="Locations", tags=["reference data"])
class LocationList(_ReferenceList):
    serializer_class = LocationRefSerializer
    queryset = Location.objects.active()


@extend_schema(
    summary="Channels (their codes are used by POST /contacts/)", tags=["reference data"]
)
class ChannelList(_ReferenceList):
    serializer_class = ChannelRefSerializer
    queryset = Channel.objects.active()


# --- contacts ---------------------------------------------------------------------------------


def _required(what):
    return {
        "required": f"Enter the {what}.",
        "null": f"Enter the {what}.",
        "does_not_exist": f"There is no {what} with id {{pk_value}}.",
        "incorrect_type": f"Give the {what} as a number (its id).",
    }


def _implausible_times(start, end) -> dict[str, list[str]]:
    """Times another system cannot mean: in the future, too long ago, or a contact too long."""
    now = timezone.now()
    latest = now + timedelta(minutes=settings.CONTACT_FUTURE_TOLERANCE_MINUTES)
    oldest = now - timedelta(days=settings.CONTACT_MAX_AGE_DAYS)
    errors = {}
    for name, when in (("started_at", start), ("ended_at", end)):
        if when is None:
            continue
        if when > latest:
            errors[name] = [f"{name} is in the future: give the time the contact happened."]
        elif when < oldest:
            errors[name] = [
                f"{name} is more than {settings.CONTACT_MAX_AGE_DAYS} days ago: contacts that "
                "old cannot be recorded."
            ]
    longest = timedelta(minutes=settings.CONTACT_MAX_DURATION_MINUTES)
    first, last = start or end or now, end or now
    if not errors and last - first > longest:
        errors["ended_at"] = [
            f"A contact cannot last more than {settings.CONTACT_MAX_DURATION_MINUTES} minutes: "
            "check started_at and ended_at."
        ]
    return errors


class ContactSerializer(serializers.ModelSerializer):
    citizen = serializers.PrimaryKeyRelatedField(
        queryset=Citizen.objects.all(),
        allow_null=True,
        required=False,
        help_text="The citizen's id, or null for an anonymous contact.",
        error_messages={
            "does_not_exist": "There is no citizen with id {pk_value}.",
            "incorrect_type": "Give the citizen as a number (its id), or null.",
        },
    )
    channel = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Channel.objects.active(),
        help_text="phone, face_to_face, email, webchat, social_media or letter",
        error_messages={
            "required": "Enter the channel code, for example phone.",
            "null": "Enter the channel code, for example phone.",
            "does_not_exist": "“{value}” is not a channel code. Use phone, face_to_face, "
            "email, webchat, social_media or letter.",
            "invalid": "Give the channel as a code, for example phone.",
        },
    )
    location = serializers.PrimaryKeyRelatedField(
        queryset=Location.objects.active(), error_messages=_required("location")
    )
    # An open contact (started on screen, not yet ended) has no area, type or outcome yet.
    service_area = null_when_read(
        serializers.PrimaryKeyRelatedField(
            queryset=ServiceArea.objects.active(), error_messages=_required("service area")
        )
    )
    contact_type = null_when_read(
        serializers.PrimaryKeyRelatedField(
            queryset=ContactType.objects.active().select_related("service_area"),
            error_messages=_required("contact type"),
        )
    )
    outcome = null_when_read(
        serializers.PrimaryKeyRelatedField(
            queryset=agent_outcomes(), error_messages=_required("outcome")
        )
    )
    avoidable = null_when_read(
        serializers.BooleanField(
            error_messages={
                "required": "Say whether the contact was avoidable (true or false).",
                "null": "Say whether the contact was avoidable (true or false).",
                "invalid": "Give avoidable as true or false.",
            }
        )
    )
    avoidable_reason = serializers.PrimaryKeyRelatedField(
        queryset=AvoidableReason.objects.active(),
        allow_null=True,
        required=False,
        error_messages={
            "does_not_exist": "There is no avoidable reason with id {pk_value}.",
            "incorrect_type": "Give the avoidable reason as a number (its id).",
        },
    )
    resolved_at_first_contact = null_when_read(
        serializers.BooleanField(
            error_messages={
                "required": "Say whether it was resolved at first contact (true or false).",
                "null": "Say whether it was resolved at first contact (true or false).",
                "invalid": "Give resolved_at_first_contact as true or false.",
            }
        )
    )
    notes = serializers.CharField(
        allow_blank=True,
        required=False,
        max_length=5000,
        error_messages={"max_length": "Notes must be 5,000 characters or fewer."},
    )
    partners = serializers.PrimaryKeyRelatedField(
        many=True,
        required=False,
        queryset=PartnerOrganisation.objects.active(),
        help_text="Partner organisations the citizen was signposted to (ids).",
    )
    started_at = serializers.DateTimeField(
        required=False,
        error_messages={"invalid": "Give started_at as an ISO 8601 date and time."},
        help_text="When the contact started (default: ended_at). Not in the future and not more "
        f"than {settings.CONTACT_MAX_AGE_DAYS} days ago (CONTACT_MAX_AGE_DAYS).",
    )
    ended_at = null_when_read(
        serializers.DateTimeField(
            required=False,
            error_messages={"invalid": "Give ended_at as an ISO 8601 date and time."},
            help_text="When it ended (default: now). Not in the future, not before started_at, "
            f"and at most {settings.CONTACT_MAX_DURATION_MINUTES} minutes after it "
            "(CONTACT_MAX_DURATION_MINUTES).",
        )
    )
    agent = serializers.CharField(source="agent.username", read_only=True)

    class Meta:
        model = Contact
        fields = [
            "id",
            "citizen",
            "channel",
            "location",
            "service_area",
            "contact_type",
            "outcome",
            "avoidable",
            "avoidable_reason",
            "resolved_at_first_contact",
            "notes",
            "partners",
            "started_at",
            "ended_at",
            "status",
            "needs_review",
            "agent",
        ]
        read_only_fields = ["id", "status", "needs_review", "agent"]

    def validate_citizen(self, citizen):
        if citizen is not None and citizen.merged_into_id:
            from citizens.selectors import citizen_get

            return citizen_get(pk=citizen.pk)
        return citizen

    def validate(self, attrs):
        errors = {}
        area, kind = attrs.get("service_area"), attrs.get("contact_type")
        if area is not None and kind is not None and kind.service_area_id != area.pk:
            errors["contact_type"] = [f"“{kind.name}” is not a contact type of {area.name}."]
        if attrs.get("avoidable") and attrs.get("avoidable_reason") is None:
            errors["avoidable_reason"] = ["Give the avoidable reason when avoidable is true."]
        start, end = attrs.get("started_at"), attrs.get("ended_at")
        if start and end and end < start:
            errors["ended_at"] = ["ended_at must be the same as or after started_at."]
        errors |= _implausible_times(start, end)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def create(self, validated_data):
        try:
            return contact_record(actor=self.context["request"].user, **validated_data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc


@extend_schema_view(
    get=extend_schema(
        summary="List contacts",
        description="Newest first; filter with `citizen`, `date_from`, `date_to` (YYYY-MM-DD "
        "or DD/MM/YYYY), `channel`, `service_area`, `contact_type`, `outcome`, `agent`, "
        "`location` (ids).",
        parameters=[
            OpenApiParameter(name, str, description=f"{label}: YYYY-MM-DD or DD/MM/YYYY")
            for name, label in (("date_from", "Started on or after"), ("date_to", "Up to"))
        ],
        tags=["contacts"],
    ),
    post=extend_schema(
        summary="Record a contact",
        description="Records a whole contact (it is ended at once). 400 with a message per "
        "field when something required is missing, a code is unknown, the contact type "
        "is not in the service area, or the times are implausible: `started_at` or `ended_at` "
        "in the future or more than CONTACT_MAX_AGE_DAYS days ago, or a contact longer than "
        "CONTACT_MAX_DURATION_MINUTES minutes.",
        tags=["contacts"],
    ),
)
class ContactListCreate(generics.ListCreateAPIView):
    serializer_class = ContactSerializer
    permission_classes = [StaffModelPermissions]
    filterset_class = ContactFilter
    queryset = Contact.objects.all()

    def get_queryset(self):
        return (
            Contact.objects.select_related("channel", "agent", "citizen")
            .prefetch_related(
                Prefetch("partners", queryset=PartnerOrganisation.objects.only("id"))
            )
            .order_by("-started_at", "-id")
        )

    def filter_queryset(self, queryset):
        wrong = {
            name: ["Send true or false."]
            for name in ("anonymous", "needs_review")
            if self.request.query_params.get(name, "true") not in ("true", "false")
        }
        if wrong:
            raise serializers.ValidationError(wrong)
        filterset = ContactFilter(self.request.query_params, queryset=queryset)
        if not filterset.is_valid():
            raise serializers.ValidationError(filterset.errors)
        return filterset.qs

    def paginate_queryset(self, queryset):
        """Every contact answered is audited against its citizen (a page holds at most 25)."""
        page = super().paginate_queryset(queryset)
        for contact in page if page is not None else queryset:
            if contact.citizen_id is not None:
                audit_record(
                    actor=self.request.user,
                    action=AuditEvent.Action.VIEW,
                    obj=contact,
                    citizen=contact.citizen,
                    detail={"where": "contacts API"},
                    request=self.request,
                )
        return page
