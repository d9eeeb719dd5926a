from django.contrib import admin

from audit.models import AuditEvent, SubjectAccessRequest
from core.admin import ViewAuditedAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ViewAuditedAdmin):
    """Read-only: administrators can filter the trail but nobody can change it."""

    list_display = ["occurred_at", "actor", "action", "citizen", "object_repr", "contact_id"]
    list_filter = ["action", ("occurred_at", admin.DateFieldListFilter), "actor"]
    search_fields = ["object_repr", "citizen__reference", "citizen__last_name", "actor__username"]
    list_select_related = ["actor", "citizen"]
    date_hierarchy = "occurred_at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
    raw_id_fields = ["citizen"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SubjectAccessRequest)
class SubjectAccessRequestAdmin(ViewAuditedAdmin):
    """Logged and exported through the Subject access pages so that each step is audited."""

    list_display = ["pk", "citizen", "received_on", "due_on", "status", "exported_at"]
    list_filter = ["status", "due_on"]
    search_fields = ["citizen__reference", "citizen__last_name", "requested_by"]
    list_select_related = ["citizen"]
    raw_id_fields = ["citizen"]
    readonly_fields = [f.name for f in SubjectAccessRequest._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
