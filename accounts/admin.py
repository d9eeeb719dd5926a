from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from accounts.models import Staff
from core.admin import AuditedAdmin


@admin.register(Staff)
class StaffAdmin(AuditedAdmin, UserAdmin):
    list_display = [
        "username",
        "first_name",
        "last_name",
        "email",
        "role",
        "usual_location",
        "is_active",
    ]
    list_filter = ["groups", "service_areas", "usual_location", "is_active", "is_staff"]
    filter_horizontal = ["groups", "user_permissions", "service_areas", "teams"]
    fieldsets = [
        *UserAdmin.fieldsets,
        ("Council", {"fields": ["job_title", "service_areas", "teams", "usual_location"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("usual_location")
            .prefetch_related("groups")
        )

    @admin.display(description="Role")
    def role(self, obj):
        return obj.role_label


# Roles are auth groups: changes to them in admin are audited like other configuration.
admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(AuditedAdmin, GroupAdmin):
    pass
