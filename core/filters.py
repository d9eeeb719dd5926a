"""Filter pieces shared by the staff screens' FilterSets."""

import datetime

import django_filters
from django import forms
from django.utils import timezone


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of a day, UK time (the day staff mean when they type a date)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class DayRangeForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The ‘to’ date must be the same as or after the ‘from’ date")
        return cleaned


class DayRangeFilterSet(django_filters.FilterSet):
    """`since`/`until` as whole days on `date_field`, as a range on the column itself (not
    `__date`) so indexes on it serve the filter; a reversed range is a plain-words error."""

    date_field = "created_at"

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

    class Meta:
        form = DayRangeForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("since", "until"):
            self.form.fields[name].widget.attrs.update(
                {"class": "govuk-input--width-10", "autocomplete": "off"}
            )

    def filter_since(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__gte": day_start(value)})

    def filter_until(self, queryset, name, value):
        next_day = day_start(value + datetime.timedelta(days=1))
        return queryset.filter(**{f"{self.date_field}__lt": next_day})
