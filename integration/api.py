"""Integration API: the change feed (and, below, service-account sync)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from integration import changes
from integration.models import Change, EventType


class ChangeObjectSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["citizen", "request"], source="object_type")
    id = serializers.IntegerField(source="object_id")
    reference = serializers.CharField()


class ChangeSerializer(serializers.ModelSerializer):
    cursor = serializers.SerializerMethodField(
        help_text="Pass as `since` to read what came after this change."
    )
    event = serializers.ChoiceField(choices=EventType.choices)
    object = ChangeObjectSerializer(source="*")
    actor = serializers.SerializerMethodField(help_text="Who made the change (username).")
    data = serializers.DictField(
        help_text="Small event details: the citizen's `version` and changed `fields`; the "
        "request's `status`, `stage` and `citizen_id`; `merged_into` for merges."
    )

    class Meta:
        model = Change
        fields = ["cursor", "event", "occurred_at", "object", "actor", "data"]

    def get_cursor(self, change) -> str:
        return changes.cursor_encode(change)

    def get_actor(self, change) -> str | None:
        return change.actor.username if change.actor_id else None


class ChangePageSerializer(serializers.Serializer):
    results = ChangeSerializer(many=True)
    next_cursor = serializers.CharField(
        allow_null=True,
        help_text="Where to continue: the last change's cursor, or the `since` you sent when "
        "there is nothing new yet (keep polling with it).",
    )
    has_more = serializers.BooleanField(help_text="True when more changes are waiting now.")


@extend_schema(
    operation_id="changes_list",
    summary="Changes to citizens and requests since a cursor",
    description="Created, updated and merged citizens and requests, oldest first. Start "
    "without `since`, then pass the `next_cursor` of each page. A change appears once it and "
    "every transaction before it have committed, so following the cursor never skips one.",
    parameters=[
        OpenApiParameter("since", str, description="A cursor from an earlier page."),
        OpenApiParameter(
            "limit",
            int,
            description=f"Changes per page, 1 to {changes.MAX_PAGE_SIZE} "
            f"(default {changes.PAGE_SIZE}).",
        ),
    ],
    responses=ChangePageSerializer,
    tags=["integration"],
)
@api_view(["GET"])
def change_feed(request):
    if not request.user.has_perms(["citizens.view_citizen", "requests_tracking.view_request"]):
        raise PermissionDenied("You do not have permission to read the change feed.")
    since = request.query_params.get("since") or None
    limit = request.query_params.get("limit", str(changes.PAGE_SIZE))
    if not limit.isdigit() or not 1 <= int(limit) <= changes.MAX_PAGE_SIZE:
        raise serializers.ValidationError(
            {"limit": [f"Send a whole number from 1 to {changes.MAX_PAGE_SIZE}."]}
        )
    try:
        rows, has_more = changes.changes_since(cursor=since, limit=int(limit))
    except changes.BadCursor as exc:
        raise serializers.ValidationError({"since": [str(exc)]}) from None
    data = ChangeSerializer(rows, many=True).data
    return Response(
        {
            "results": data,
            "next_cursor": data[-1]["cursor"] if data else since,
            "has_more": has_more,
        }
    )
