from django.contrib import admin
from django.db import models

from contacts.models import (
    AvoidableReason,
    Channel,
    Contact,
    ContactType,
    Outcome,
    PartnerOrganisation,
)
from core.admin import ReadOnlyAdmin, ReferenceDataAdmin


@admin.register(Channel)
class ChannelAdmin(ReferenceDataAdmin):
    list_display = ["name", "code", "self_service", "active", "ordering"]


@admin.register(ContactType)
class ContactTypeAdmin(ReferenceDataAdmin):
    list_display = ["name", "service_area", "lgsl_code", "active", "ordering"]
    list_filter = ["service_area", "active"]
    search_fields = ["name", "service_area__name", "lgsl_code"]
    list_select_related = ["service_area"]
    ordering = ["service_area__name", "ordering", "name"]


@admin.register(Outcome)
class OutcomeAdmin(ReferenceDataAdmin):
    list_display = ["name", "code", "active", "ordering"]


@admin.register(AvoidableReason)
class AvoidableReasonAdmin(ReferenceDataAdmin):
    pass


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(ReferenceDataAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "phone", "website", "active", "ordering"]


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = [
        "started_at",
        "channel",
        "location",
        "agent",
        "citizen",
        "service_area",
        "outcome",
        "status",
        "needs_review",
    ]
    list_filter = ["status", "needs_review", "channel", "location", "service_area", "outcome"]
    search_fields = ["citizen__reference"]
    list_select_related = ["channel", "location", "agent", "citizen", "service_area", "outcome"]
    date_hierarchy = "started_at"
    show_full_result_count = False
    raw_id_fields = ["citizen"]
