import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q

from audit.models import AuditEvent
from core.filters import DayRangeFilterSet, DayRangeForm


class AuditEventFilter(DayRangeFilterSet):
    date_field = "occurred_at"

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
    q = django_filters.CharFilter(
        method="filter_text", label="Record or search words", help_text="Matches the record"
    )

    class Meta:
        model = AuditEvent
        fields = ["actor", "citizen", "action", "date_from", "date_to", "q"]
        form = DayRangeForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = self.form.fields
        fields["actor"].error_messages["invalid_choice"] = "Choose a member of staff from the list"
        fields["action"].error_messages["invalid_choice"] = "Choose an action from the list"
        fields["citizen"].max_length = 20
        fields["citizen"].error_messages["max_length"] = (
            "A citizen reference is at most 20 characters"
        )

    def filter_citizen(self, queryset, name, value):
        # The record and those merged into it (their rows still name them).
        reference = value.strip()
        return queryset.filter(
            Q(citizen__reference__iexact=reference)
            | Q(citizen__merged_into__reference__iexact=reference)
            | Q(citizen__merged_into__merged_into__reference__iexact=reference)
        )

    def filter_text(self, queryset, name, value):
        for word in value.split()[:10]:
            queryset = queryset.filter(Q(object_repr__icontains=word) | Q(detail__icontains=word))
        return queryset
