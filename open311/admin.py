from django import forms
from django.contrib import admin

from core.admin import ViewAuditedAdmin
from open311.models import Open311Attribute, Open311Service, Open311Submission
from requests_tracking.models import Process


class Open311ServiceForm(forms.ModelForm):
    class Meta:
        model = Open311Service
        fields = [
            "process_code",
            "service_code",
            "service_name",
            "description",
            "group",
            "keywords",
            "active",
            "ordering",
        ]

    def clean_process_code(self):
        code = self.cleaned_data["process_code"]
        process = Process.objects.filter(code=code, is_current=True).first()
        if process is None:
            raise forms.ValidationError(f"There is no process with the code {code}.")
        if not process.place_based:
            raise forms.ValidationError(
                f"{process.name} is not about a place. Tick 'About a place' on the process "
                "first: Open311 services are reports about places."
            )
        return code


class Open311AttributeInline(admin.TabularInline):
    model = Open311Attribute
    extra = 0
    fields = [
        "order",
        "code",
        "description",
        "datatype",
        "required",
        "variable",
        "datatype_description",
        "values",
    ]


@admin.register(Open311Service)
class Open311ServiceAdmin(admin.ModelAdmin):
    form = Open311ServiceForm
    list_display = ["service_code", "process_code", "service_name", "group", "active"]
    list_filter = ["active", "group"]
    search_fields = ["service_code", "process_code", "service_name"]
    inlines = [Open311AttributeInline]


@admin.register(Open311Submission)
class Open311SubmissionAdmin(ViewAuditedAdmin):
    """What reporting apps sent: read only (it is evidence of what was reported)."""

    list_display = ["token", "service_request", "outcome", "service_code", "client", "created_at"]
    list_filter = ["outcome", "service_code"]
    search_fields = ["token", "service_request__reference"]
    readonly_fields = [f.name for f in Open311Submission._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
