from django.contrib import admin

from core.admin import ReadOnlyAdmin
from verification.models import ServiceAccount


@admin.register(ServiceAccount)
class ServiceAccountAdmin(ReadOnlyAdmin):
    """Stored security answers are never shown, not even to administrators."""

    list_display = [
        "reference",
        "kind",
        "citizen",
        "service_area",
        "last_synced_at",
        "locked_until",
    ]
    list_filter = ["kind", "service_area", "active"]
    search_fields = ["=reference_compact", "citizen__reference"]
    list_select_related = ["citizen", "service_area"]
    raw_id_fields = ["citizen"]
