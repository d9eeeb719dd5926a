from django.contrib import admin

from contacts.models import AvoidableReason, Channel, ContactType, Outcome, PartnerOrganisation
from core.admin import ReferenceDataAdmin


@admin.register(Channel)
class ChannelAdmin(ReferenceDataAdmin):
    list_display = ["name", "code", "active", "ordering"]


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
    list_display = ["name", "phone", "website", "active", "ordering"]
