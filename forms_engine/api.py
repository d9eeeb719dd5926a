"""REST API of the forms engine: published forms with their current version's fields, a
citizen's drafts and submissions, and one submission with its answers."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.permissions import BasePermission

from audit.services import audit_record
from citizens.models import Citizen
from core.api.permissions import IsStaffMember
from forms_engine.definition import definition_for
from forms_engine.models import Form, Submission


class CanViewSubmissions(BasePermission):
    message = "You do not have permission to do this."

    def has_permission(self, request, view):
        return IsStaffMember().has_permission(request, view) and request.user.has_perm(
            "forms_engine.view_submission"
        )


class OptionSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class FieldSerializer(serializers.Serializer):
    key = serializers.CharField()
    kind = serializers.CharField(help_text="text, textarea, number, money, date, time, email, …")
    label = serializers.CharField()
    hint = serializers.CharField(allow_blank=True)
    required = serializers.BooleanField()
    page = serializers.CharField(source="page_key")
    options = OptionSerializer(many=True)
    children = serializers.SerializerMethodField(
        help_text="For a repeating group: the fields of each item (same shape)."
    )

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_children(self, fd) -> list[dict]:
        return FieldSerializer(fd.children, many=True).data


class PageSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()


class FormSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    service_area = serializers.CharField(source="service_area.name")
    process_code = serializers.CharField(allow_blank=True)
    portals = serializers.SerializerMethodField()
    version = serializers.IntegerField(source="current_version.number")
    published_at = serializers.DateTimeField(source="current_version.published_at")
    public_url = serializers.SerializerMethodField(allow_null=True)
    pages = serializers.SerializerMethodField()
    fields = serializers.SerializerMethodField(method_name="field_list")

    def get_portals(self, form) -> list[str]:
        return [p.slug for p in form.portals.all()]

    def get_public_url(self, form) -> str | None:
        if any(p.kind == "public" and p.active for p in form.portals.all()):
            return self.context["request"].build_absolute_uri(form.public_url())
        return None

    def get_pages(self, form) -> list[dict]:
        definition = definition_for(form.current_version)
        return PageSerializer(definition.pages, many=True).data

    def field_list(self, form) -> list[dict]:
        definition = definition_for(form.current_version)
        top = [f for p in definition.pages for f in p.fields]
        return FieldSerializer(top, many=True).data


@extend_schema(
    summary="Published forms",
    description="Active forms with a published version, and that version's pages and fields.",
    responses=FormSerializer(many=True),
)
class FormList(generics.ListAPIView):
    serializer_class = FormSerializer
    permission_classes = [CanViewSubmissions]

    queryset = Form.objects.none()

    def get_queryset(self):
        return (
            Form.objects.filter(active=True, current_version__isnull=False)
            .select_related("service_area", "current_version")
            .prefetch_related("portals")
            .order_by("name")
        )


class SubmissionSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    form = serializers.CharField(source="form.slug")
    form_name = serializers.CharField(source="form.name")
    version = serializers.IntegerField(source="version.number")
    status = serializers.ChoiceField(choices=Submission.Status.choices)
    via = serializers.ChoiceField(choices=Submission.Via.choices)
    reference = serializers.CharField(allow_null=True)
    current_page = serializers.CharField(allow_blank=True, help_text="Drafts: the page reached.")
    started_at = serializers.DateTimeField()
    last_saved_at = serializers.DateTimeField(allow_null=True)
    last_saved_by = serializers.SerializerMethodField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    request = serializers.SerializerMethodField(allow_null=True)
    citizen = serializers.IntegerField(source="citizen_id", allow_null=True)

    def get_last_saved_by(self, s) -> str | None:
        return str(s.last_saved_by) if s.last_saved_by_id else None

    def get_request(self, s) -> str | None:
        return s.request.reference if s.request_id else None


@extend_schema(
    summary="A citizen's forms",
    description="Drafts (with the page reached) and submitted forms of a citizen, newest first.",
    responses=SubmissionSummarySerializer(many=True),
)
class CitizenForms(generics.ListAPIView):
    serializer_class = SubmissionSummarySerializer
    permission_classes = [CanViewSubmissions]
    queryset = Submission.objects.none()

    def get_queryset(self):
        citizen = get_object_or_404(Citizen, pk=self.kwargs["pk"])
        if self.request.query_params.get("page", "1") == "1":
            audit_record(
                actor=self.request.user,
                action="view",
                obj=citizen,
                detail={"what": "forms", "via": "api"},
            )
        return (
            Submission.objects.filter(citizen=citizen)
            .select_related("form", "version", "request", "last_saved_by")
            .defer("answers", "version__snapshot")
            .order_by("-last_saved_at", "-id")
        )


class AnswerSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.CharField()
    value = serializers.JSONField(
        help_text="As stored: text, list, or an object for dates, names, addresses."
    )
    display = serializers.CharField(help_text="As shown to people.")


class FileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    field = serializers.CharField(source="field_key")
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()


class SubmissionSerializer(SubmissionSummarySerializer):
    answers = serializers.SerializerMethodField()
    files = FileSerializer(many=True, source="files.all")
    tracking_url = serializers.SerializerMethodField(allow_null=True)

    def get_answers(self, s) -> AnswerSerializer(many=True):
        definition = definition_for(s.version)
        names = {f.pk: f.original_name for f in s.files.all()}
        rows = []
        for fd in definition.answer_fields():
            value = s.answers.get(fd.key)
            if value in (None, "", [], {}):
                continue
            rows.append(
                {
                    "key": fd.key,
                    "label": fd.label,
                    "kind": fd.kind,
                    "value": value,
                    "display": fd.type.display(fd, value, {"file_names": names}),
                }
            )
        return rows

    def get_tracking_url(self, s) -> str | None:
        if not s.request_id:
            return None
        from requests_tracking.public_links import tracking_url

        return tracking_url(s.request)


@extend_schema(summary="A submission", responses=SubmissionSerializer)
class SubmissionDetail(generics.RetrieveAPIView):
    serializer_class = SubmissionSerializer
    permission_classes = [CanViewSubmissions]
    queryset = Submission.objects.none()

    def get_object(self):
        submission = get_object_or_404(
            Submission.objects.select_related(
                "form", "version", "request", "last_saved_by", "citizen"
            ).prefetch_related("files"),
            pk=self.kwargs["pk"],
        )
        audit_record(
            actor=self.request.user,
            action="view",
            obj=submission,
            citizen=submission.citizen,
            detail={"via": "api"},
        )
        return submission
