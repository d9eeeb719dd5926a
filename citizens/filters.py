"""Advanced search (django-filter) and the registry of extra yes/no filters other apps provide.

`register_boolean_filter(name, label, func)` — e.g. requests_tracking registers
"has_open_requests" with func(queryset) -> queryset of citizens with an open request. A filter
appears on the advanced search form only once registered.
"""

from collections.abc import Callable

import django_filters
from django import forms
from django.db import connection
from django.db.models import Exists, OuterRef

from citizens.models import Address, AssistanceFlag, Citizen, EmailAddress, PhoneNumber
from citizens.normalise import name_normalise, phone_normalise, postcode_compact

_boolean_filters: dict[str, tuple[str, Callable]] = {}


def register_boolean_filter(name: str, label: str, func: Callable) -> None:
    _boolean_filters[name] = (label, func)


SORTS = [
    ("last_name", "Last name (A to Z)"),
    ("-last_name", "Last name (Z to A)"),
    ("date_of_birth", "Date of birth (oldest first)"),
    ("-date_of_birth", "Date of birth (youngest first)"),
    ("-created_at", "Newest records first"),
]
SORT_FIELDS = {
    "last_name": ["search_last_name", "first_name", "id"],
    "-last_name": ["-search_last_name", "-first_name", "-id"],
    "date_of_birth": ["date_of_birth", "id"],
    "-date_of_birth": ["-date_of_birth", "id"],
    "-created_at": ["-created_at", "-id"],
}


class CitizenFilter(django_filters.FilterSet):
    first_name = django_filters.CharFilter(label="First name", method="filter_first")
    last_name = django_filters.CharFilter(label="Last name", method="filter_last")
    date_of_birth = django_filters.DateFilter(
        label="Date of birth",
        field_name="date_of_birth",
        error_messages={"invalid": "Enter the date of birth as a real date, like 27/03/1985"},
    )
    born_after = django_filters.DateFilter(
        label="Born on or after", field_name="date_of_birth", lookup_expr="gte"
    )
    born_before = django_filters.DateFilter(
        label="Born on or before", field_name="date_of_birth", lookup_expr="lte"
    )
    postcode = django_filters.CharFilter(
        label="Postcode or district", method="filter_postcode", help_text="SW1A 1AA or SW1A"
    )
    street = django_filters.CharFilter(label="Street", method="filter_street")
    email = django_filters.CharFilter(label="Email address", method="filter_email")
    phone = django_filters.CharFilter(label="Phone number", method="filter_phone")
    has_assistance_flag = django_filters.BooleanFilter(
        label="Has assistance needs",
        method="filter_flag",
        widget=forms.CheckboxInput,
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by", choices=SORTS, method="filter_sort", empty_label=None
    )

    class Meta:
        model = Citizen
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (label, func) in _boolean_filters.items():
            f = django_filters.BooleanFilter(
                label=label, method=self._registered(func), widget=forms.CheckboxInput
            )
            f.model = Citizen
            self.filters[name] = f
        for f in self.filters.values():
            f.field.required = False

    @staticmethod
    def _registered(func):
        def apply(queryset, name, value):
            return func(queryset) if value else queryset

        return apply

    def filter_first(self, qs, name, value):
        return qs.filter(search_name__startswith=name_normalise(value))

    def filter_last(self, qs, name, value):
        return qs.filter(search_last_name__startswith=name_normalise(value))

    def filter_postcode(self, qs, name, value):
        compact = postcode_compact(value)
        return qs.filter(
            Exists(
                Address.objects.filter(
                    citizen=OuterRef("pk"), postcode_compact__startswith=compact
                )
            )
        )

    def filter_street(self, qs, name, value):
        lookup = (
            "line_1__unaccent__icontains"
            if connection.vendor == "postgresql"
            else ("line_1__icontains")
        )
        return qs.filter(
            Exists(Address.objects.filter(citizen=OuterRef("pk"), **{lookup: value.strip()}))
        )

    def filter_email(self, qs, name, value):
        return qs.filter(
            Exists(
                EmailAddress.objects.filter(
                    citizen=OuterRef("pk"), email__istartswith=value.strip()
                )
            )
        )

    def filter_phone(self, qs, name, value):
        try:
            number = phone_normalise(value)
        except ValueError:
            return qs.none()
        return qs.filter(Exists(PhoneNumber.objects.filter(citizen=OuterRef("pk"), number=number)))

    def filter_flag(self, qs, name, value):
        if not value:
            return qs
        return qs.filter(
            Exists(AssistanceFlag.objects.filter(citizen=OuterRef("pk"), active=True))
        )

    def filter_sort(self, qs, name, value):
        return qs.order_by(*SORT_FIELDS.get(value, SORT_FIELDS["last_name"]))
