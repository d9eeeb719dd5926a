from django.contrib import admin

from core.admin import AuditedAdmin
from places.models import GazetteerAddress


@admin.register(GazetteerAddress)
class GazetteerAddressAdmin(AuditedAdmin):
    """Read-mostly: the gazetteer comes from the council's address list (import_gazetteer)."""

    list_display = ["uprn", "line_1", "street", "town", "postcode", "usrn"]
    search_fields = ["uprn", "usrn", "line_1", "street", "postcode"]
    list_filter = ["town"]
    readonly_fields = ["imported_at"]
    show_full_result_count = False
