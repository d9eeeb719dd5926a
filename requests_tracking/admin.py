from django.contrib import admin, messages
from django.db.models import Count
from django.utils.html import format_html

from core.admin import AuditedAdmin, ReadOnlyAdmin
from requests_tracking.models import (
    Evidence,
    Process,
    Request,
    RequestNote,
    Stage,
    StageAction,
    WorkingTimeSettings,
)
from requests_tracking.services.working_time_settings import working_time_settings_save
from requests_tracking.versioning import process_new_version
from requests_tracking.working_time import bank_holiday_nation


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0
    fields = [
        "order",
        "name",
        "citizen_description",
        "sla_amount",
        "sla_unit",
        "pauses_while_waiting",
        "actions_link",
    ]
    readonly_fields = ["actions_link"]

    @admin.display(description="Actions")
    def actions_link(self, obj):
        if not obj.pk:
            return "Save first"
        return format_html(
            '<a href="../../../stage/{}/change/">{} action(s)</a>', obj.pk, obj.actions.count()
        )


@admin.register(Process)
class ProcessAdmin(AuditedAdmin):
    list_display = ["name", "code", "version", "is_current", "service_area", "active", "in_use"]
    list_filter = ["service_area", "is_current", "active"]
    search_fields = ["name", "code"]
    filter_horizontal = ["contact_types"]
    inlines = [StageInline]

    class Media:
        css = {"all": ["css/admin_compact.css"]}  # inlines fit a 1,366 px screen

    actions = ["new_version"]
    readonly_fields = ["version"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_requests=Count("requests"))

    @admin.display(description="Requests")
    def in_use(self, obj):
        return obj.n_requests

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("code")
        return fields

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and obj.requests.exists() and request.method == "GET":
            self.message_user(
                request,
                "Requests use this version. To change its stages or SLAs without affecting "
                "them, use the action 'Make a new version' from the list.",
                messages.WARNING,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description="Make a new version (open requests keep the old one)")
    def new_version(self, request, queryset):
        for process in queryset:
            new = process_new_version(actor=request.user, process=process)
            self.message_user(request, f"Created {new}: edit it; it is now the one in use.")


class StageActionInline(admin.TabularInline):
    model = StageAction
    extra = 1
    fields = [
        "trigger",
        "share_percent",
        "recipient",
        "contractor_email",
        "channel",
        "template",
        "active",
    ]


@admin.register(Stage)
class StageAdmin(AuditedAdmin):
    list_display = ["__str__", "process", "sla_amount", "sla_unit", "pauses_while_waiting"]
    list_filter = ["process"]
    inlines = [StageActionInline]

    class Media:
        css = {"all": ["css/admin_compact.css"]}


@admin.register(Request)
class RequestAdmin(ReadOnlyAdmin):
    """Case records: changed only through the staff screens and the API (audited, with
    their messages and timeline)."""

    list_display = ["reference", "process", "current_stage", "status", "sla_state", "due_at"]
    list_filter = ["status", "sla_state", "service_area"]
    search_fields = ["reference", "postcode", "uprn"]
    raw_id_fields = ["citizen", "originating_contact", "assigned_to", "current_visit"]
    readonly_fields = ["reference", "next_check_at", "current_stage", "status", "sla_state"]


@admin.register(RequestNote)
class RequestNoteAdmin(ReadOnlyAdmin):
    list_display = ["request", "kind", "visible_to_citizen", "author", "created_at"]
    list_filter = ["kind", "visible_to_citizen"]
    list_select_related = ["request", "author"]
    search_fields = ["request__reference"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["request", "original_name", "visible_to_citizen", "uploaded_at"]
    list_filter = ["visible_to_citizen"]
    list_select_related = ["request"]
    search_fields = ["request__reference", "original_name"]


@admin.register(WorkingTimeSettings)
class WorkingTimeSettingsAdmin(AuditedAdmin):
    """One row; until it is saved, the BANK_HOLIDAY_NATION environment setting applies."""

    list_display = ["__str__", "changed_at"]
    fields = ["bank_holiday_nation"]
    audited_by_service = True  # working_time_settings_save writes the audit row

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not WorkingTimeSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def get_changeform_initial_data(self, request):
        nation = bank_holiday_nation()
        return {"bank_holiday_nation": "ENG" if nation == "WLS" else nation}

    def save_model(self, request, obj, form, change):
        working_time_settings_save(actor=request.user, row=obj)
