"""The request list's filters, shared by the staff screen and the API."""

import django_filters
from django import forms
from django.db.models import Case, IntegerField, Q, Value, When

from core.filters import DATE_FROM, DATE_TO, DateRangeNamesMixin
from core.refcache import held_choices
from organisation.models import ServiceArea
from requests_tracking.models import Process, Request, Stage
from requests_tracking.selectors import staff_area_ids


class RequestFilter(DateRangeNamesMixin, django_filters.FilterSet):
    old_names = {"created_from": DATE_FROM, "created_to": DATE_TO}

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
    mine = django_filters.BooleanFilter(
        method="filter_mine",
        label="Only my service areas",
        widget=forms.CheckboxInput(),
    )
    # The project's date-range names (core.filters); created_from/created_to still accepted.
    date_from = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label="Raised from"
    )
    date_to = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label="Raised to"
    )
    citizen = django_filters.NumberFilter(field_name="citizen_id", widget=forms.HiddenInput())
    sort = django_filters.ChoiceFilter(
        choices=[
            ("urgent", "Breached and at risk first, then by stage due date"),
            ("newest", "Newest first"),
        ],
        method="filter_sort",
        label="Sort by",
        empty_label=None,
    )

    class Meta:
        model = Request
        fields = []

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            # The processes and service areas offered: reference lists kept per process (#19).
            for name in ("process", "service_area"):
                field = held_choices(form.fields[name])
                field.widget.choices = field.choices
        return self._form

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

    def filter_mine(self, qs, name, value):
        user = getattr(self.request, "user", None)
        if not value or user is None:
            return qs
        return qs.filter(service_area__in=staff_area_ids(staff=user))

    def filter_sort(self, qs, name, value):
        if value == "urgent":
            return requests_most_urgent_first(qs)
        return qs.order_by("-created_at", "-id")

    def filter_assigned(self, qs, name, value):
        user = getattr(self.request, "user", None)
        if value == "me" and user is not None:
            return requests_workable_by(qs.filter(assigned_to=user), staff=user)
        if value == "my_team" and user is not None:
            return qs.filter(team__in=user.teams.all())
        if value == "nobody":
            return qs.filter(assigned_to__isnull=True)
        return qs


SLA_RANK = Case(
    When(sla_state=Request.SlaState.BREACHED, then=Value(0)),
    When(sla_state=Request.SlaState.AT_RISK, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def requests_most_urgent_first(qs):
    """Breached, then at risk, then on track; within each, the stage due soonest first."""
    return qs.annotate(sla_rank=SLA_RANK).order_by("sla_rank", "current_visit__due_at", "id")


def requests_workable_by(qs, *, staff):
    """Only requests this member of staff can work (officers: their service areas; with none,
    nothing; team leaders and administrators with none: every area)."""
    if staff.is_superuser:
        return qs
    areas = staff_area_ids(staff=staff)
    if areas:
        return qs.filter(service_area__in=areas)
    return qs if staff.has_perm("requests_tracking.work_any_area") else qs.none()
