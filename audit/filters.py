import django_filters
from django import forms
from django.contrib.auth import get_user_model

from audit.models import AuditEvent


class AuditEventFilter(django_filters.FilterSet):
    actor = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.order_by("first_name", "last_name"),
        label="Member of staff",
        empty_label="Anyone",
    )
    citizen = django_filters.CharFilter(
        field_name="citizen__reference", lookup_expr="iexact", label="Citizen reference"
    )
    action = django_filters.ChoiceFilter(choices=AuditEvent.Action.choices, empty_label="Any")
    since = django_filters.DateFilter(
        field_name="occurred_at",
        lookup_expr="date__gte",
        label="From (dd/mm/yyyy)",
        widget=forms.DateInput(attrs={"class": "govuk-input govuk-input--width-10"}),
    )
    until = django_filters.DateFilter(
        field_name="occurred_at",
        lookup_expr="date__lte",
        label="To (dd/mm/yyyy)",
    )

    class Meta:
        model = AuditEvent
        fields = ["actor", "citizen", "action", "since", "until"]
