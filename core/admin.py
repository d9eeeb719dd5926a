from django.contrib import admin


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


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only through the app's services (which audit and send domain events):
    administrators can look and filter here, but not change them around those rules."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
