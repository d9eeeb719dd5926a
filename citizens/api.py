"""REST API for citizens: quick search, create with duplicate check, read/patch with version
check, duplicates and notes. Errors are 400 with a message per field (never a 500)."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from audit.models import AuditEvent
from audit.services import audit_record
from citizens import selectors, services
from citizens.forms import CitizenForm, NoteForm
from citizens.models import Address, Citizen, Note
from citizens.search import citizen_search

WRITABLE = [
    "title",
    "first_name",
    "middle_names",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "email",
    "phone",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "uprn",
]


class CitizenSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=Citizen.Status.choices)
    title = serializers.CharField()
    first_name = serializers.CharField()
    middle_names = serializers.CharField()
    last_name = serializers.CharField()
    preferred_name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    email = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    address_line_1 = serializers.SerializerMethodField()
    address_line_2 = serializers.SerializerMethodField()
    town = serializers.SerializerMethodField()
    postcode = serializers.SerializerMethodField()
    uprn = serializers.SerializerMethodField()

    def _contact(self, obj):
        if not hasattr(obj, "_api_contact"):
            obj._api_contact = services.citizen_contact_values(obj)
        return obj._api_contact

    def get_email(self, obj) -> str:
        return self._contact(obj)["email"]

    def get_phone(self, obj) -> str:
        return self._contact(obj)["phone"]

    def get_address_line_1(self, obj) -> str:
        return self._contact(obj)["address_line_1"]

    def get_address_line_2(self, obj) -> str:
        return self._contact(obj)["address_line_2"]

    def get_town(self, obj) -> str:
        return self._contact(obj)["town"]

    def get_postcode(self, obj) -> str:
        return self._contact(obj)["postcode"]

    def get_uprn(self, obj) -> str:
        return self._contact(obj)["uprn"]


class CandidateSerializer(CitizenSerializer):
    """A record that may be the same person, with the matcher's score and its reasons."""

    match_reasons = serializers.ListField(
        child=serializers.CharField(),
        help_text="Plain-words evidence: first what agrees, then what disagrees.",
    )
    score = serializers.FloatField(
        help_text="Match weight: log2 of the odds that both records are one person (prior "
        "included); 0 is even odds and each +1 doubles them. Thresholds are in settings "
        "(MATCH_CERTAIN_SCORE, MATCH_PROBABLE_SCORE, MATCH_POSSIBLE_SCORE)."
    )
    band = serializers.ChoiceField(
        choices=["certain", "probable", "possible"],
        help_text="certain and probable block creation until confirm_new is sent with a reason; "
        "possible is shown only.",
    )
    summary = serializers.CharField(source="match_summary", help_text="One plain sentence.")


class DuplicatesConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    candidates = CandidateSerializer(many=True)


class CitizenWriteSerializer(serializers.Serializer):
    """Documents the body; validation is done by citizens.forms.CitizenForm."""

    title = serializers.CharField(required=False)
    first_name = serializers.CharField(required=False)
    middle_names = serializers.CharField(required=False)
    last_name = serializers.CharField(required=False)
    preferred_name = serializers.CharField(required=False)
    date_of_birth = serializers.DateField(required=False)
    email = serializers.EmailField(required=False)
    phone = serializers.CharField(required=False)
    address_line_1 = serializers.CharField(required=False)
    address_line_2 = serializers.CharField(required=False)
    town = serializers.CharField(required=False)
    postcode = serializers.CharField(required=False)
    uprn = serializers.CharField(required=False)
    confirm_new = serializers.BooleanField(required=False)
    reason = serializers.CharField(required=False)
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="Required when updating: the version you read."
    )


class NoteSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    service_area = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Note
        fields = ["id", "text", "service_area", "sensitive", "author", "created_at", "corrects"]

    def get_author(self, note) -> str | None:
        return str(note.author) if note.author_id else None


def _perm(request, perm):
    if not request.user.has_perm(perm):
        raise PermissionDenied("You do not have permission to do this.")


def _errors(form):
    return {field: [str(e) for e in errors] for field, errors in form.errors.items()} | (
        {"non_field_errors": form.non_field_errors()} if form.non_field_errors() else {}
    )


def _body(request, allowed):
    data = request.data
    if not isinstance(data, dict):
        return None, {"non_field_errors": ["Send a JSON object."]}
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        return None, {k: [f"Unknown field: {k}"] for k in unknown}
    errors = {}
    for key, value in data.items():
        expected = TYPES.get(key, str)
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            errors[key] = [TYPE_MESSAGES[expected]]
    if errors:
        return None, errors
    return data, None


# What each body field must be in JSON (anything not listed is text), as the schema says.
TYPES = {"confirm_new": bool, "sensitive": bool, "version": int}
TYPE_MESSAGES = {
    str: "Send text (a JSON string).",
    bool: "Send true or false.",
    int: "Send a whole number.",
}


def _citizen_qs():
    return Citizen.objects.prefetch_related(
        "emails", "phones", Prefetch("addresses", queryset=Address.objects.filter(is_current=True))
    )


@extend_schema(
    methods=["GET"],
    parameters=[OpenApiParameter("q", str, required=True, description="Quick search text")],
    responses=CitizenSerializer(many=True),
)
@extend_schema(
    methods=["POST"],
    request=CitizenWriteSerializer,
    responses={201: CitizenSerializer, 409: DuplicatesConflictSerializer},
)
@api_view(["GET", "POST"])
@permission_classes([IsAuthenticated])
def citizens_collection(request):
    if request.method == "GET":
        _perm(request, "citizens.view_citizen")
        query = request.query_params.get("q", "").strip()
        if not query:
            return Response({"q": ["Enter something to search for."]}, status=400)
        results = citizen_search(query=query, limit=100)
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.SEARCH,
            detail={"q": query[:200], "api": True},
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(results, request)
        return paginator.get_paginated_response(CitizenSerializer(page, many=True).data)
    _perm(request, "citizens.add_citizen")
    data, errors = _body(request, [*WRITABLE, "confirm_new", "reason"])
    if errors:
        return Response(errors, status=400)
    confirm_new = data.get("confirm_new") is True
    reason = str(data.get("reason") or "").strip()
    if confirm_new and not reason:
        return Response({"reason": ["Say why this is a new person."]}, status=400)
    form = CitizenForm({k: data.get(k) or "" for k in WRITABLE})
    if not form.is_valid():
        return Response(_errors(form), status=400)
    try:
        citizen = services.citizen_create(
            actor=request.user,
            data={k: v for k, v in form.cleaned_data.items() if k in WRITABLE},
            confirm_new=confirm_new,
            new_person_reason=reason,
        )
    except services.DuplicatesFound as exc:
        return Response(
            {
                "detail": "This person may already have a record. Send confirm_new: true "
                "with a reason to create a new one.",
                "candidates": CandidateSerializer(exc.candidates, many=True).data,
            },
            status=status.HTTP_409_CONFLICT,
        )
    return Response(
        CitizenSerializer(_citizen_qs().get(pk=citizen.pk)).data, status=status.HTTP_201_CREATED
    )


@extend_schema(methods=["GET"], responses=CitizenSerializer)
@extend_schema(
    methods=["PATCH"],
    request=CitizenWriteSerializer,
    responses={
        200: CitizenSerializer,
        409: inline_serializer(
            "StaleVersion",
            {"detail": serializers.CharField(), "current": CitizenSerializer()},
        ),
    },
)
@api_view(["GET", "PATCH"])
@permission_classes([IsAuthenticated])
def citizen_item(request, pk):
    _perm(request, "citizens.view_citizen")
    citizen = selectors.citizen_get(pk=get_object_or_404(Citizen, pk=pk).pk)
    citizen = _citizen_qs().get(pk=citizen.pk)
    if request.method == "GET":
        audit_record(actor=request.user, action=AuditEvent.Action.VIEW, obj=citizen)
        return Response(CitizenSerializer(citizen).data)
    _perm(request, "citizens.change_citizen")
    data, errors = _body(request, [*WRITABLE, "version"])
    if errors:
        return Response(errors, status=400)
    version = data.get("version")
    if version is None or version < 1:
        return Response({"version": ["Send the version you read, as a whole number."]}, 400)
    current = {k: getattr(citizen, k) for k in services.PERSON_FIELDS}
    current |= services.citizen_contact_values(citizen)
    merged = {k: current.get(k) for k in WRITABLE} | {k: data[k] for k in WRITABLE if k in data}
    if merged.get("date_of_birth") and not isinstance(merged["date_of_birth"], str):
        merged["date_of_birth"] = merged["date_of_birth"].isoformat()
    form = CitizenForm({k: v or "" for k, v in merged.items()}, citizen_id=citizen.pk)
    if not form.is_valid():
        return Response(_errors(form), status=400)
    try:
        services.citizen_update(
            actor=request.user,
            citizen=citizen,
            version=int(version),
            data={k: form.cleaned_data[k] for k in WRITABLE if k in data},
        )
    except services.VersionConflict as exc:
        return Response(
            {
                "detail": "Someone else changed this record since you read it. Nothing was "
                "saved; read it again and re-apply your changes.",
                "current": CitizenSerializer(_citizen_qs().get(pk=exc.current.pk)).data,
            },
            status=status.HTTP_409_CONFLICT,
        )
    return Response(CitizenSerializer(_citizen_qs().get(pk=citizen.pk)).data)


@extend_schema(responses=CandidateSerializer(many=True))
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def citizen_duplicates(request, pk):
    _perm(request, "citizens.view_citizen")
    citizen = get_object_or_404(_citizen_qs(), pk=pk)
    candidates = selectors.citizen_duplicates(citizen=citizen)
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(candidates, request)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        obj=citizen,
        detail={"where": "duplicates API", "candidates": [c.pk for c in page or []]},
        request=request,
    )
    return paginator.get_paginated_response(CandidateSerializer(page, many=True).data)


class NoteWriteSerializer(serializers.Serializer):
    text = serializers.CharField()
    service_area = serializers.CharField(
        required=False, allow_blank=True, help_text="Service area slug"
    )
    sensitive = serializers.BooleanField(required=False)


@extend_schema(methods=["GET"], responses=NoteSerializer(many=True))
@extend_schema(methods=["POST"], request=NoteWriteSerializer, responses={201: NoteSerializer})
@api_view(["GET", "POST"])
@permission_classes([IsAuthenticated])
def citizen_notes(request, pk):
    _perm(request, "citizens.view_note")
    citizen = get_object_or_404(Citizen, pk=pk, status=Citizen.Status.ACTIVE)
    if request.method == "GET":
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(
            selectors.citizen_notes(citizen=citizen, user=request.user), request
        )
        for note in page:
            audit_record(
                actor=request.user,
                action=AuditEvent.Action.VIEW,
                obj=note,
                citizen=citizen,
                detail={"where": "notes API", "sensitive": note.sensitive},
                request=request,
            )
        return paginator.get_paginated_response(NoteSerializer(page, many=True).data)
    _perm(request, "citizens.add_note")
    data, errors = _body(request, ["text", "service_area", "sensitive"])
    if errors:
        return Response(errors, status=400)
    from organisation.models import ServiceArea

    area = None
    if data.get("service_area"):
        area = ServiceArea.objects.filter(slug=data["service_area"]).first()
        if area is None:
            return Response({"service_area": ["Unknown service area."]}, status=400)
    sensitive = data.get("sensitive", False)
    if sensitive not in (True, False):
        return Response({"sensitive": ["Send true or false."]}, status=400)
    form = NoteForm({"text": data.get("text") or "", "sensitive": sensitive})
    if not form.is_valid():
        return Response(_errors(form), status=400)
    note = services.note_add(
        actor=request.user,
        citizen=citizen,
        text=form.cleaned_data["text"],
        service_area=area,
        sensitive=sensitive,
    )
    return Response(NoteSerializer(note).data, status=201)
