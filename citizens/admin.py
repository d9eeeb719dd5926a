from django.contrib import admin

from citizens.models import Citizen, MergeRecord, Note
from core.admin import ReadOnlyAdmin


@admin.register(Citizen)
class CitizenAdmin(ReadOnlyAdmin):
    list_display = [
        "reference",
        "last_name",
        "first_name",
        "date_of_birth",
        "status",
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["=reference", "last_name"]
    show_full_result_count = False  # an exact count of a million rows on every page is slow
    exclude = ["search_name", "search_last_name", "search_keys"]
    view_on_site = True


@admin.register(Note)
class NoteAdmin(ReadOnlyAdmin):
    list_display = ["citizen", "service_area", "sensitive", "author", "created_at"]
    list_filter = ["sensitive", "service_area"]
    search_fields = ["citizen__reference"]
    list_select_related = ["citizen", "service_area", "author"]
    raw_id_fields = ["citizen"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not request.user.has_perm("citizens.view_sensitive_note"):
            queryset = queryset.filter(sensitive=False)
        return queryset


@admin.register(MergeRecord)
class MergeRecordAdmin(ReadOnlyAdmin):
    list_display = ["merged_at", "survivor", "merged", "merged_by", "reason"]
    search_fields = ["survivor__reference", "merged__reference"]
    list_select_related = ["survivor", "merged", "merged_by"]
