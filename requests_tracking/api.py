"""REST API for back-office and contractor systems: processes, requests and their case work.

Transitions run through the same dispatcher as the staff pages (`services.transition_run`)
and answer 409 with a plain message when the request's state does not allow them, or when
it has moved on from the optional `expected_stage` / `expected_status` / `expected_version`.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from audit.services import audit_record
from citizens.models import Citizen
from citizens.normalise import postcode_normalise
from contacts.models import Channel
from core.api.fields import StrictBooleanField, StrictCharField
from requests_tracking import selectors, services
from requests_tracking.filters import RequestFilter
from requests_tracking.models import Process, Request

FILTER_PARAMETERS = [
    ("q", "Reference, postcode or UPRN"),
    ("process", "Process id (any version of it)"),
    ("stage", "Current stage name contains"),
    ("status", "open, waiting, on_hold, resolved, closed, cancelled, or live (any open one)"),
    ("sla_state", "on_track, at_risk or breached"),
    ("assigned", "me, my_team or nobody"),
    ("service_area", "Service area id"),
    ("date_from", "Raised on or after (YYYY-MM-DD)"),
    ("date_to", "Raised on or before (YYYY-MM-DD)"),
    ("created_from", "Former name of date_from, still accepted"),
    ("created_to", "Former name of date_to, still accepted"),
    ("citizen", "Citizen id"),
]


def _need(request, perm):
    if not request.user.has_perm(f"requests_tracking.{perm}"):
        raise PermissionDenied("You do not have permission to do this.")


def _date(moment):
    return timezone.localtime(moment).date().isoformat() if moment else None


class StageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField(source="citizen_description")
    sla_amount = serializers.IntegerField()
    sla_unit = serializers.CharField()
    pauses_while_waiting = serializers.BooleanField()


class ProcessSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    version = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    service_area = serializers.CharField(source="service_area.name")
    stages = StageSerializer(many=True)


class RequestStageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    name = serializers.CharField()
    state = serializers.ChoiceField(choices=["done", "current", "upcoming", "stopped"])
    due_date = serializers.DateField(allow_null=True)
    sla_met = serializers.BooleanField(allow_null=True)


class RequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    status = serializers.CharField()
    sla_state = serializers.CharField()
    process = serializers.IntegerField(source="process_id")
    process_name = serializers.CharField(source="process.name")
    current_stage = serializers.SerializerMethodField()
    citizen = serializers.IntegerField(source="citizen_id", allow_null=True)
    description = serializers.CharField()
    address_line_1 = serializers.CharField()
    postcode = serializers.CharField()
    uprn = serializers.CharField()
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    channel = serializers.SerializerMethodField()
    service_area = serializers.CharField(source="service_area.name")
    team = serializers.CharField(source="team.name", allow_null=True, default=None)
    assigned_to = serializers.CharField(
        source="assigned_to.username", allow_null=True, default=None
    )
    created_at = serializers.DateTimeField()
    version = serializers.IntegerField(
        help_text="Counts the changes made to the request; send it back as `expected_version`."
    )
    due_date = serializers.SerializerMethodField()
    estimated_completion = serializers.SerializerMethodField()
    stages = serializers.SerializerMethodField()

    def get_current_stage(self, obj) -> str | None:
        return obj.current_stage.name if obj.current_stage_id else None

    def get_channel(self, obj) -> str | None:
        return obj.channel.code if obj.channel_id else None

    def get_due_date(self, obj) -> str | None:
        return _date(obj.due_at) if obj.is_live else None

    def get_estimated_completion(self, obj) -> str | None:
        return _date(obj.estimated_completion_at)

    @extend_schema_field(RequestStageSerializer(many=True, allow_null=True))
    def get_stages(self, obj):
        if not self.context.get("with_stages", True):
            return None
        return [
            {
                "id": step["stage"].pk,
                "order": step["stage"].order,
                "name": step["stage"].name,
                "state": step["state"],
                "due_date": _date(step["due_at"]),
                "sla_met": step["visit"].sla_met if step["visit"] else None,
            }
            for step in selectors.request_stage_plan(service_request=obj)
        ]


class RequestCreateSerializer(serializers.Serializer):
    process = serializers.PrimaryKeyRelatedField(
        queryset=Process.objects.filter(is_current=True, active=True),
        error_messages={"does_not_exist": "There is no process in use with id {pk_value}."},
    )
    citizen = serializers.PrimaryKeyRelatedField(
        queryset=Citizen.objects.all(),
        allow_null=True,
        required=False,
        error_messages={"does_not_exist": "There is no citizen with id {pk_value}."},
    )
    description = StrictCharField(max_length=4000)
    address_line_1 = StrictCharField(max_length=200, required=False, allow_blank=True)
    postcode = StrictCharField(max_length=20, required=False, allow_blank=True)
    uprn = serializers.RegexField(r"^\d{1,12}$", required=False, allow_blank=True)
    latitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        required=False,
        allow_null=True,
    )
    longitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        required=False,
        allow_null=True,
    )
    channel = serializers.SlugRelatedField(
        slug_field="code", queryset=Channel.objects.all(), required=False, allow_null=True
    )

    def validate_postcode(self, value):
        try:
            return postcode_normalise(value)
        except ValueError:
            raise serializers.ValidationError("Enter a real UK postcode, like SW1A 1AA.") from None


class RequestNoteInputSerializer(serializers.Serializer):
    text = StrictCharField(max_length=4000)
    visible_to_citizen = StrictBooleanField(default=False)


class RequestNoteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    text = serializers.CharField()
    visible_to_citizen = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class ReasonSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=2000, required=False, allow_blank=True)
    resolution = StrictCharField(max_length=4000, required=False, allow_blank=True)
    expected_stage = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="The id of the stage you read the request at (its `stages` entry whose state "
        "is `current`). If it has moved on, the answer is 409 and nothing changes.",
    )
    expected_status = serializers.ChoiceField(
        choices=Request.Status.choices,
        required=False,
        allow_null=True,
        help_text="The status you read; 409 and no change if it is different now.",
    )
    expected_version = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        help_text="The `version` you read; 409 and no change if the request changed since.",
    )


def _detail(obj, code=status.HTTP_200_OK):
    return Response(RequestSerializer(selectors.request_get(pk=obj.pk)).data, status=code)


@extend_schema(responses=ProcessSerializer(many=True), summary="Processes with their stages")
@api_view(["GET"])
def processes(request):
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(selectors.processes_current(), request)
    return paginator.get_paginated_response(ProcessSerializer(page, many=True).data)


@extend_schema(
    methods=["GET"],
    parameters=[
        OpenApiParameter(name, str, description=label) for name, label in FILTER_PARAMETERS
    ],
    responses=RequestSerializer(many=True),
    summary="Requests, with the same filters as the staff screen",
)
@extend_schema(
    methods=["POST"],
    request=RequestCreateSerializer,
    responses={201: RequestSerializer},
    summary="Raise a request",
)
@api_view(["GET", "POST"])
def requests_collection(request):
    if request.method == "POST":
        _need(request, "add_request")
        data = RequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        new = services.request_create(
            actor=request.user,
            process=values["process"],
            citizen=values.get("citizen"),
            description=values["description"],
            address_line_1=values.get("address_line_1", ""),
            postcode=values.get("postcode", ""),
            uprn=values.get("uprn", ""),
            latitude=values.get("latitude"),
            longitude=values.get("longitude"),
            channel=values.get("channel"),
        )
        return _detail(new, status.HTTP_201_CREATED)
    _need(request, "view_request")
    base = selectors.request_list()
    if selectors.staff_without_areas(staff=request.user):
        base = base.none()  # default deny: an officer with no service areas works none
    filters = RequestFilter(request.GET, queryset=base, request=request)
    if not filters.is_valid():
        return Response(filters.errors, status=status.HTTP_400_BAD_REQUEST)
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(
        filters.qs.select_related("current_visit", "channel"), request
    )
    audit_record(actor=request.user, action="search", detail={"api_requests": request.GET.dict()})
    return paginator.get_paginated_response(
        RequestSerializer(page, many=True, context={"with_stages": False}).data
    )


def _get(pk):
    try:
        return selectors.request_get(pk=pk)
    except Request.DoesNotExist:
        from django.http import Http404

        raise Http404 from None


@extend_schema(responses=RequestSerializer, summary="One request with its stages")
@api_view(["GET"])
def request_item(request, pk):
    _need(request, "view_request")
    obj = _get(pk)
    audit_record(actor=request.user, action="view", obj=obj, citizen=obj.citizen)
    return _detail(obj)


@extend_schema(
    request=RequestNoteInputSerializer,
    responses={201: RequestNoteSerializer},
    summary="Add a note",
)
@api_view(["POST"])
def request_notes(request, pk):
    _need(request, "add_requestnote")
    obj = _get(pk)
    data = RequestNoteInputSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    note = services.request_note_add(
        actor=request.user, service_request=obj, **data.validated_data
    )
    return Response(RequestNoteSerializer(note).data, status=status.HTTP_201_CREATED)


def _transition(request, pk, action, data_for):
    """Run `action` through the dispatcher the staff pages use; `data_for(validated)` gives the
    service's input (with the API's default reasons)."""
    obj = _get(pk)
    refusal = services.transition_forbidden(staff=request.user, service_request=obj, name=action)
    if refusal:
        raise PermissionDenied(refusal)
    data = ReasonSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    values = data.validated_data
    expected = services.ExpectedState(
        stage_id=values.get("expected_stage"),
        status=values.get("expected_status"),
        version=values.get("expected_version"),
    )
    try:
        services.transition_run(
            actor=request.user,
            service_request=obj,
            name=action,
            data=data_for(values),
            expected=expected,
        )
    except services.TransitionRefused as exc:  # not allowed now, or moved on since read
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    except ValidationError as exc:
        return Response(exc.message_dict, status=status.HTTP_400_BAD_REQUEST)
    return _detail(obj)


TRANSITION_SCHEMA = extend_schema(
    request=ReasonSerializer,
    responses={
        200: RequestSerializer,
        409: inline_serializer("Refused", {"detail": serializers.CharField()}),
    },
)


@TRANSITION_SCHEMA
@api_view(["POST"])
def request_advance(request, pk):
    return _transition(request, pk, "advance", lambda d: {})


@TRANSITION_SCHEMA
@api_view(["POST"])
def request_hold(request, pk):
    return _transition(
        request, pk, "hold", lambda d: {"reason": d.get("reason") or "Put on hold (API)"}
    )


@TRANSITION_SCHEMA
@api_view(["POST"])
def request_resolve(request, pk):
    return _transition(
        request,
        pk,
        "resolve",
        lambda d: {
            "resolution": d.get("resolution") or d.get("reason") or "Resolved (no details given)"
        },
    )


@TRANSITION_SCHEMA
@api_view(["POST"])
def request_reopen(request, pk):
    return _transition(
        request, pk, "reopen", lambda d: {"reason": d.get("reason") or "Reopened (API)"}
    )


@TRANSITION_SCHEMA
@api_view(["POST"])
def request_cancel(request, pk):
    return _transition(request, pk, "cancel", lambda d: {"reason": d.get("reason", "")})
