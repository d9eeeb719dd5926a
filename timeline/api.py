from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import BasePermission

from audit.models import AuditEvent
from audit.services import audit_record
from citizens.models import Citizen
from core.api.permissions import IsStaffMember
from timeline.filters import TimelineApiFilter
from timeline.models import Entry
from timeline.selectors import timeline_entries_base


class ActorSerializer(serializers.Serializer):
    type = serializers.CharField(source="actor_type", help_text="staff, citizen or system")
    id = serializers.IntegerField(source="actor_id", allow_null=True)
    name = serializers.CharField(source="actor_display")


class ServiceAreaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()


class TimelineEntrySerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    actor = ActorSerializer(source="*")
    service_area = ServiceAreaSerializer(allow_null=True)
    link = serializers.SerializerMethodField(help_text="Where what it is about can be seen.")
    source = serializers.SerializerMethodField()

    class Meta:
        model = Entry
        fields = [
            "id",
            "kind",
            "kind_label",
            "category",
            "occurred_at",
            "summary",
            "actor",
            "service_area",
            "detail",
            "source",
            "link",
        ]

    def get_link(self, entry) -> str | None:
        url = entry.source_url
        if not url:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def get_source(self, entry) -> dict:
        return {"type": entry.source_type, "id": entry.source_id}


class TimelinePagination(CursorPagination):
    ordering = ("-occurred_at", "-id")
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param)
        if value is not None and not (value.isdigit() and int(value) > 0):
            raise serializers.ValidationError(
                {"page_size": ["Send a whole number from 1 to 100."]}
            )
        return super().get_page_size(request)


class CanViewTimeline(BasePermission):
    def has_permission(self, request, view):
        return request.user.has_perms(["timeline.view_entry", "citizens.view_citizen"])


@extend_schema(
    summary="A citizen's timeline, newest first",
    tags=["timeline"],
    parameters=[
        OpenApiParameter(
            name,
            str,
            description=f"{label}: YYYY-MM-DD or DD/MM/YYYY (UK time)",
            deprecated=old,
        )
        for name, label, old in (
            ("date_from", "On or after this day", False),
            ("date_to", "On or before this day", False),
            ("since", "Former name of date_from", True),
            ("until", "Former name of date_to", True),
        )
    ],
)
class CitizenTimelineView(generics.ListAPIView):
    """Everything that happened on a citizen's account, newest first, with cursor pagination."""

    serializer_class = TimelineEntrySerializer
    pagination_class = TimelinePagination
    permission_classes = [IsStaffMember, CanViewTimeline]
    filter_backends = [DjangoFilterBackend]
    filterset_class = TimelineApiFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Entry.objects.none()
        return timeline_entries_base(citizen=self.citizen)

    def list(self, request, *args, **kwargs):
        self.citizen = get_object_or_404(Citizen, pk=kwargs["pk"])
        response = super().list(request, *args, **kwargs)
        if response.status_code == 200 and not request.query_params.get("cursor"):
            audit_record(
                actor=request.user,
                action=AuditEvent.Action.VIEW,
                obj=self.citizen,
                request=request,
                detail={"page": "timeline API", **_filters(request.query_params)},
            )
        return response


def _filters(params) -> dict:
    applied = {k: params.getlist(k) for k in params if k not in ("cursor", "page_size")}
    return {"filters": applied} if applied else {}
