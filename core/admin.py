from django.contrib import admin

from core.signals import admin_viewed


@admin.action(description="Retire selected (untick active)")
def retire(modeladmin, request, queryset):
    queryset.update(active=False)


@admin.action(description="Reinstate selected (tick active)")
def reinstate(modeladmin, request, queryset):
    queryset.update(active=True)


class ReferenceDataAdmin(admin.ModelAdmin):
    """Reference rows are retired with `active`, not deleted, so history keeps its meaning."""

    list_display = ["name", "active", "ordering"]
    list_editable = ["active", "ordering"]
    list_filter = ["active"]
    search_fields = ["name"]
    ordering = ["ordering", "name"]
    actions = [retire, reinstate]

    def has_delete_permission(self, request, obj=None):
        return False


class ViewAuditedAdmin(admin.ModelAdmin):
    """Admin for records of citizens' personal data: every list and record shown is audited
    (through `core.signals.admin_viewed`, which the audit app records)."""

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if request.method == "GET" and response.status_code == 200:
            admin_viewed.send(sender=self.model, request=request, obj=None)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, admin.utils.unquote(object_id))
            admin_viewed.send(sender=self.model, request=request, obj=obj)
        return response


class ReadOnlyAdmin(ViewAuditedAdmin):
    """Records written only through the app's services (which audit and send domain events):
    administrators can look and filter here, but not change them around those rules."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
