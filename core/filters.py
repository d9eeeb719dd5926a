"""Filter pieces shared by the staff screens' FilterSets."""

import datetime

import django_filters
from django import forms
from django.forms.utils import ErrorDict
from django.http import QueryDict
from django.utils import timezone


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of a day, UK time (the day staff mean when they type a date)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# The one naming of a date range in GET parameters, on every screen and API list:
# `date_from` and `date_to` (whole days, UK time). Names used before are still accepted.
DATE_FROM, DATE_TO = "date_from", "date_to"


def date_range_aliases(data, aliases: dict[str, str]):
    """`data` with each old parameter name's values under its new name (unless both given)."""
    if data is None or not any(old in data for old in aliases):
        return data
    data = data.copy()
    for old, new in aliases.items():
        if old in data and new not in data:
            if isinstance(data, QueryDict):  # keep every value
                data.setlist(new, data.getlist(old))
            else:
                data[new] = data[old]
    return data


class DateRangeNamesMixin:
    """For a FilterSet: reads the former names in `old_names` ({old: new}) as the new ones, and
    reports a mistake under the name the caller sent, so old links and API clients still work."""

    old_names: dict[str, str] = {}

    def __init__(self, data=None, *args, **kwargs):
        sent = data if data is not None else {}
        self._sent_as = {
            new: old for old, new in self.old_names.items() if old in sent and new not in sent
        }
        super().__init__(date_range_aliases(data, self.old_names), *args, **kwargs)

    @property
    def errors(self):
        errors = self.form.errors
        if not self._sent_as:
            return errors
        return ErrorDict(
            {self._sent_as.get(name, name): messages for name, messages in errors.items()},
            renderer=errors.renderer,
        )


class DayRangeForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get(DATE_FROM), cleaned.get(DATE_TO)
        if since and until and since > until:
            self.add_error(DATE_TO, "The ‘to’ date must be the same as or after the ‘from’ date")
        return cleaned


class DayRangeFilterSet(DateRangeNamesMixin, django_filters.FilterSet):
    """`date_from`/`date_to` as whole days on `date_field`, as a range on the column itself
    (not `__date`) so indexes on it serve the filter; a reversed range is a plain-words error.
    `since`/`until`, the names used before, are still accepted."""

    date_field = "created_at"
    old_names = {"since": DATE_FROM, "until": DATE_TO}

    date_from = django_filters.DateFilter(
        method="filter_date_from",
        label="From",
        help_text="For example, 27/3/2026",
        error_messages={"invalid": "Enter the ‘from’ date as day/month/year, like 27/3/2026"},
    )
    date_to = django_filters.DateFilter(
        method="filter_date_to",
        label="To",
        help_text="For example, 27/4/2026",
        error_messages={"invalid": "Enter the ‘to’ date as day/month/year, like 27/4/2026"},
    )

    class Meta:
        form = DayRangeForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in (DATE_FROM, DATE_TO):
            self.form.fields[name].widget.attrs.update(
                {"class": "govuk-input--width-10", "autocomplete": "off"}
            )

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__gte": day_start(value)})

    def filter_date_to(self, queryset, name, value):
        next_day = day_start(value + datetime.timedelta(days=1))
        return queryset.filter(**{f"{self.date_field}__lt": next_day})
