"""The request list's filters, shared by the staff screen and the API."""

import django_filters
from django import forms
from django.db.models import Q

from organisation.models import ServiceArea
from requests_tracking.models import Process, Request, Stage


class RequestFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q", label="Reference, postcode or UPRN", widget=forms.TextInput()
    )
    process = django_filters.ModelChoiceFilter(
        queryset=Process.objects.filter(is_current=True).order_by("name"),
        method="filter_process",
        empty_label="Any process",
    )
    stage = django_filters.CharFilter(
        method="filter_stage", label="Stage name", widget=forms.TextInput()
    )
    status = django_filters.ChoiceFilter(
        choices=Request.Status.choices + [("live", "Any open status")],
        method="filter_status",
        empty_label="Any status",
    )
    sla_state = django_filters.ChoiceFilter(
        choices=Request.SlaState.choices, label="SLA", empty_label="Any SLA state"
    )
    assigned = django_filters.ChoiceFilter(
        choices=[("me", "Assigned to me"), ("my_team", "My teams"), ("nobody", "Not assigned")],
        method="filter_assigned",
        label="Assigned",
        empty_label="Anyone",
    )
    service_area = django_filters.ModelChoiceFilter(
        queryset=ServiceArea.objects.active(), empty_label="Any service area"
    )
    created_from = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label="Raised from"
    )
    created_to = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label="Raised to"
    )
    citizen = django_filters.NumberFilter(field_name="citizen_id", widget=forms.HiddenInput())

    class Meta:
        model = Request
        fields = []

    def filter_q(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        compact = value.replace(" ", "").upper()
        return qs.filter(Q(reference__iexact=value) | Q(postcode_compact=compact) | Q(uprn=value))

    def filter_process(self, qs, name, value):
        return qs.filter(process__code=value.code) if value else qs

    def filter_stage(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        stage_ids = Stage.objects.filter(name__icontains=value).values("pk")
        return qs.filter(current_stage_id__in=stage_ids)

    def filter_status(self, qs, name, value):
        if value == "live":
            return qs.filter(status__in=Request.LIVE_STATUSES)
        return qs.filter(status=value) if value else qs

    def filter_assigned(self, qs, name, value):
        user = getattr(self.request, "user", None)
        if value == "me" and user is not None:
            return qs.filter(assigned_to=user)
        if value == "my_team" and user is not None:
            return qs.filter(team__in=user.teams.all())
        if value == "nobody":
            return qs.filter(assigned_to__isnull=True)
        return qs
