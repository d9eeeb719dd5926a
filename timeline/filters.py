import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.forms.models import ModelChoiceIterator

from core.filters import DayRangeFilterSet, DayRangeForm
from core.refcache import held_choices
from organisation.models import ServiceArea
from timeline.models import Category, Entry, Kind


class ListedModelChoiceIterator(ModelChoiceIterator):
    """A select's rows read with one ordinary query, once per form."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:  # read once, then this form's copy holds the rows
            yield self.choice(obj)


class TimelineFilter(DayRangeFilterSet):
    """The feed's filters; each works alone and all combine. Dates are whole days, UK time."""

    date_field = "occurred_at"

    kind = django_filters.MultipleChoiceFilter(
        choices=Category.choices,
        method="filter_kind",
        label="Kind of activity",
        widget=forms.CheckboxSelectMultiple,
    )
    service_area = django_filters.ModelChoiceFilter(
        queryset=ServiceArea.objects.order_by("ordering", "name"),
        label="Service area",
        empty_label="All service areas",
    )
    actor = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.order_by("first_name", "last_name", "username"),
        label="Member of staff",
        empty_label="Anyone",
    )
    q = django_filters.CharFilter(method="filter_text", label="Containing the words")

    class Meta:
        model = Entry
        fields = ["kind", "service_area", "date_from", "date_to", "actor", "q"]
        form = DayRangeForm

    def __init__(self, *args, actor_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The form is built already (DayRangeFilterSet sets its date widgets): its field is
        # what lists and validates the choices, so the queryset goes there, after the
        # iterator (setting a queryset gives the widget its choices from the iterator):
        # its rows in one plain query (Django reads a select's rows through a server-side
        # cursor on PostgreSQL: three round trips).
        actor = self.form.fields["actor"]
        actor.iterator = ListedModelChoiceIterator
        actor.queryset = actor_queryset if actor_queryset is not None else actor.queryset
        # The service areas are a small reference list: kept per process (core.refcache).
        areas = held_choices(self.form.fields["service_area"])
        areas.widget.choices = areas.choices
        # Plain-words messages for choices that are not (or no longer) on the list.
        self.form.fields["service_area"].error_messages["invalid_choice"] = (
            "Choose a service area from the list"
        )
        self.form.fields["actor"].error_messages["invalid_choice"] = (
            "Choose a member of staff from the list"
        )
        self.form.fields["kind"].error_messages["invalid_choice"] = (
            "Choose kinds of activity from the list"
        )

    def filter_kind(self, queryset, name, value):
        if not value:
            return queryset
        categories = [v for v in value if v in Category.values]
        kinds = [v for v in value if v in Kind.values]
        return queryset.filter(Q(category__in=categories) | Q(kind__in=kinds))

    def filter_text(self, queryset, name, value):
        for word in value.split()[:10]:
            queryset = queryset.filter(summary__icontains=word)
        return queryset


class TimelineApiFilter(TimelineFilter):
    """The API also accepts exact kinds (`contact_ended`) as well as groups (`contacts`)."""

    kind = django_filters.MultipleChoiceFilter(
        choices=[*Category.choices, *Kind.choices],
        method="filter_kind",
        help_text="A group (contacts, notes…) or an exact kind (contact_ended…); repeatable.",
    )
    service_area = django_filters.ModelChoiceFilter(
        queryset=ServiceArea.objects.all(), help_text="Service area id."
    )
    actor = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.all(), help_text="Staff id."
    )
    q = django_filters.CharFilter(method="filter_text", help_text="Words in the summary.")
