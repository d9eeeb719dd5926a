"""Filters shared by the contact history pages and the API (`GET /api/v1/contacts/`)."""

from datetime import timedelta

import django_filters
from django import forms
from django.contrib.auth import get_user_model

from contacts.models import Channel, Contact, ContactType, Outcome
from core.filters import day_start
from organisation.models import Location, ServiceArea

DATE_HELP = "For example, 27/03/2026"


class ContactFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(
        label="From",
        method="filter_date_from",
        widget=forms.DateInput(attrs={"inputmode": "numeric"}),
        help_text=DATE_HELP,
        error_messages={"invalid": "Enter a real date, like 27/03/2026."},
    )
    date_to = django_filters.DateFilter(
        label="To",
        method="filter_date_to",
        widget=forms.DateInput(attrs={"inputmode": "numeric"}),
        help_text=DATE_HELP,
        error_messages={"invalid": "Enter a real date, like 27/03/2026."},
    )
    channel = django_filters.ModelChoiceFilter(
        queryset=Channel.objects.all(), empty_label="Any channel"
    )
    service_area = django_filters.ModelChoiceFilter(
        queryset=ServiceArea.objects.all(), empty_label="Any service area"
    )
    contact_type = django_filters.ModelChoiceFilter(
        queryset=ContactType.objects.select_related("service_area"),
        empty_label="Any contact type",
    )
    outcome = django_filters.ModelChoiceFilter(
        queryset=Outcome.objects.all(), empty_label="Any outcome"
    )
    agent = django_filters.ModelChoiceFilter(
        label="Member of staff",
        queryset=get_user_model().objects.filter(is_active=True),
        empty_label="Anyone",
    )
    location = django_filters.ModelChoiceFilter(
        queryset=Location.objects.all(), empty_label="Any location"
    )
    citizen = django_filters.NumberFilter(field_name="citizen_id", widget=forms.HiddenInput)
    anonymous = django_filters.BooleanFilter(
        field_name="citizen", lookup_expr="isnull", label="Anonymous only"
    )
    needs_review = django_filters.BooleanFilter(label="Needs completing")

    class Meta:
        model = Contact
        fields = [
            "date_from",
            "date_to",
            "channel",
            "service_area",
            "contact_type",
            "outcome",
            "agent",
            "location",
            "citizen",
            "anonymous",
            "needs_review",
        ]

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(started_at__gte=day_start(value))

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(started_at__lt=day_start(value + timedelta(days=1)))

    def is_valid(self):
        valid = super().is_valid()
        data = self.form.cleaned_data if valid else {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.form.add_error("date_to", "The ‘to’ date must be the same as or after ‘from’.")
            return False
        return valid
