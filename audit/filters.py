import datetime

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from audit.models import AuditEvent


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class AuditFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The ‘to’ date must be the same as or after the ‘from’ date")
        return cleaned


class AuditEventFilter(django_filters.FilterSet):
    actor = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.order_by("first_name", "last_name", "username"),
        label="Member of staff",
        empty_label="Anyone",
    )
    citizen = django_filters.CharFilter(
        method="filter_citizen",
        label="Citizen reference",
        help_text="For example, C0001234",
    )
    action = django_filters.ChoiceFilter(
        choices=AuditEvent.Action.choices, empty_label="Any", label="What they did"
    )
    since = django_filters.DateFilter(
        method="filter_since",
        label="From",
        help_text="For example, 27/3/2026",
        error_messages={"invalid": "Enter the ‘from’ date as day/month/year, like 27/3/2026"},
    )
    until = django_filters.DateFilter(
        method="filter_until",
        label="To",
        help_text="For example, 27/4/2026",
        error_messages={"invalid": "Enter the ‘to’ date as day/month/year, like 27/4/2026"},
    )
    q = django_filters.CharFilter(
        method="filter_text", label="Record or search words", help_text="Matches the record"
    )

    class Meta:
        model = AuditEvent
        fields = ["actor", "citizen", "action", "since", "until", "q"]
        form = AuditFilterForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = self.form.fields
        fields["actor"].error_messages["invalid_choice"] = "Choose a member of staff from the list"
        fields["action"].error_messages["invalid_choice"] = "Choose an action from the list"
        fields["citizen"].max_length = 20
        fields["citizen"].error_messages["max_length"] = (
            "A citizen reference is at most 20 characters"
        )
        for name in ("since", "until"):
            fields[name].widget.attrs.update({"class": "govuk-input--width-10"})

    def filter_citizen(self, queryset, name, value):
        return queryset.filter(citizen__reference__iexact=value.strip())

    def filter_since(self, queryset, name, value):
        return queryset.filter(occurred_at__gte=_start_of(value))

    def filter_until(self, queryset, name, value):
        return queryset.filter(occurred_at__lt=_start_of(value + datetime.timedelta(days=1)))

    def filter_text(self, queryset, name, value):
        for word in value.split()[:10]:
            queryset = queryset.filter(Q(object_repr__icontains=word) | Q(detail__icontains=word))
        return queryset
