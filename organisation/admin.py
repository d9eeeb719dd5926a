from django.contrib import admin

from core.admin import ReferenceDataAdmin
from organisation.models import Location, ServiceArea, Team


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0
    fields = ["name", "email", "active", "ordering"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ServiceArea)
class ServiceAreaAdmin(ReferenceDataAdmin):
    list_display = ["name", "lgsl_code", "active", "ordering"]
    search_fields = ["name", "lgsl_code"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TeamInline]


@admin.register(Location)
class LocationAdmin(ReferenceDataAdmin):
    list_display = ["name", "kind", "active", "ordering"]
    list_filter = ["kind", "active"]


@admin.register(Team)
class TeamAdmin(ReferenceDataAdmin):
    list_display = ["name", "service_area", "email", "active", "ordering"]
    list_filter = ["service_area", "active"]
    list_select_related = ["service_area"]
