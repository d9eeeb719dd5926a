from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from accounts.models import ApiToken, Staff
from accounts.tokens import api_token_revoke
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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made by `create_api_token` or a client system's page (the key is shown once
    there); here they can be listed and revoked. The hash is never shown."""

    list_display = [
        "name",
        "prefix",
        "owner",
        "read_only",
        "created_at",
        "expires_at",
        "last_used_at",
        "status_label",
    ]
    list_filter = ["read_only", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "owner__username"]
    list_select_related = ["owner"]
    fields = [
        "name",
        "owner",
        "prefix",
        "read_only",
        "scopes",
        "created_at",
        "created_by",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # Viewing the list and detail needs view permission; revoking needs change (the action).
        return request.user.has_perm("accounts.change_apitoken") and obj is None

    @admin.display(description="Status")
    def status_label(self, obj):
        return obj.status

    @admin.action(
        description="Revoke the selected tokens (they stop working at once)",
        permissions=["change"],
    )
    def revoke(self, request, queryset):
        count = 0
        for token in queryset:
            if token.revoked_at is None:
                api_token_revoke(actor=request.user, token=token)
                count += 1
        self.message_user(request, f"{count} token(s) revoked.", messages.SUCCESS)
