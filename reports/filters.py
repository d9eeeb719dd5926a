"""The filters every report takes: a date range (presets or custom), service area, channel,
location, process and team. The URL holds them, so a report can be bookmarked and shared."""

from dataclasses import dataclass, field
from datetime import date, timedelta

import django_filters
from django import forms
from django.db.models import CharField, F, IntegerField, Value
from django.utils import timezone

from contacts.models import Channel, Contact
from organisation.models import Location, ServiceArea, Team
from requests_tracking.models import Process

PRESETS = [
    ("today", "Today"),
    ("this_week", "This week"),
    ("last_7", "Last 7 days"),
    ("last_28", "Last 28 days"),
    ("last_90", "Last 90 days"),
    ("this_month", "This month"),
    ("last_quarter", "Last quarter"),
    ("custom", "Custom dates"),
]
DEFAULT_PRESET = "last_28"
MAX_DAYS = 3 * 366


def preset_range(preset: str, today: date) -> tuple[date, date]:
    """The first and last day (inclusive) a preset stands for."""
    if preset == "today":
        return today, today
    if preset == "this_week":
        return today - timedelta(days=today.weekday()), today
    if preset in ("last_7", "last_28", "last_90"):
        return today - timedelta(days=int(preset.split("_")[1]) - 1), today
    if preset == "this_month":
        return today.replace(day=1), today
    if preset == "last_quarter":
        this_quarter_first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        last = this_quarter_first - timedelta(days=1)
        return date(last.year, 3 * ((last.month - 1) // 3) + 1, 1), last
    raise ValueError(preset)


@dataclass(frozen=True)
class ReportFilters:
    """The checked filters a report is built from."""

    date_from: date
    date_to: date
    preset: str = DEFAULT_PRESET
    service_area: "Option | None" = None
    channel: "Option | None" = None
    location: "Option | None" = None
    process: "Option | None" = None
    team: "Option | None" = None
    query: dict = field(default_factory=dict, compare=False)  # the URL's filter parameters

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    def previous(self) -> "ReportFilters":
        """The same filters over the period of the same length just before this one."""
        length = timedelta(days=self.days)
        return ReportFilters(
            date_from=self.date_from - length,
            date_to=self.date_to - length,
            preset="custom",
            service_area=self.service_area,
            channel=self.channel,
            location=self.location,
            process=self.process,
            team=self.team,
        )


def _choice_messages(thing: str) -> dict:
    return {"invalid_choice": f"Choose a {thing} from the list"}


class ReportFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        today = timezone.localdate()
        preset = data.get("preset") or ""
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from or date_to or preset == "custom":
            preset = "custom"
            date_to = date_to or today
            date_from = date_from or date_to - timedelta(days=27)
        else:
            preset = preset or DEFAULT_PRESET
            date_from, date_to = preset_range(preset, today)
        if date_from > date_to:
            self.add_error("date_to", "The ‘to’ date must be the same as or after the ‘from’ date")
        elif (date_to - date_from).days >= MAX_DAYS:
            self.add_error("date_from", "Choose a range of at most three years")
        data.update(preset=preset, date_from=date_from, date_to=date_to)
        return data


@dataclass(frozen=True)
class Option:
    """A chosen filter value: enough to filter and to name it, without loading the row."""

    pk: int
    name: str
    code: str = ""


KINDS = ("service_area", "channel", "location", "process", "team")


def _options() -> dict[str, list[Option]]:
    """Every filter's choices in one query (a UNION of the five small tables)."""
    blank = Value("", output_field=CharField())

    def rows(queryset, kind, code=blank, ordering=None):
        return (
            queryset.order_by()
            .annotate(
                r_kind=Value(kind, output_field=CharField()),
                r_code=code,
                r_order=F("ordering") if ordering is None else ordering,
            )
            .values_list("r_kind", "pk", "name", "r_code", "r_order")
        )

    union = rows(ServiceArea.objects.filter(active=True), "service_area").union(
        rows(Channel.objects.filter(active=True), "channel"),
        rows(Location.objects.filter(active=True), "location"),
        rows(
            Process.objects.filter(is_current=True),
            "process",
            code=F("code"),
            ordering=Value(0, output_field=IntegerField()),
        ),
        rows(Team.objects.filter(active=True), "team"),
        all=True,
    )
    options = {kind: [] for kind in KINDS}
    for kind, pk, name, code, _order in sorted(union, key=lambda r: (r[0], r[4], r[2], r[1])):
        options[kind].append(Option(pk, name, code))
    return options


def _choice(name, label, empty):
    return django_filters.ChoiceFilter(
        label=label,
        empty_label=empty,
        method="no_filter",
        error_messages=_choice_messages(name.replace("_", " ")),
    )


class ReportFilterSet(django_filters.FilterSet):
    """Only its form is used: the reports read summaries, not one queryset."""

    preset = django_filters.ChoiceFilter(
        choices=PRESETS,
        label="Dates",
        empty_label=None,
        method="no_filter",
        error_messages=_choice_messages("date range"),
    )
    date_from = django_filters.DateFilter(
        label="From",
        method="no_filter",
        help_text="For example, 1/3/2026",
        error_messages={"invalid": "Enter a real ‘from’ date, like 1/3/2026"},
    )
    date_to = django_filters.DateFilter(
        label="To",
        method="no_filter",
        help_text="For example, 31/3/2026",
        error_messages={"invalid": "Enter a real ‘to’ date, like 31/3/2026"},
    )
    service_area = _choice("service_area", "Service area", "All service areas")
    channel = _choice("channel", "Channel", "All channels")
    location = _choice("location", "Location", "All locations")
    process = _choice("process", "Process", "All processes")
    team = _choice("team", "Team", "All teams")

    class Meta:
        model = Contact
        fields: list[str] = []
        form = ReportFilterForm

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, queryset=Contact.objects.none(), **kwargs)
        self.options = _options()
        for kind in KINDS:
            field_ = self.form.fields[kind]
            values = [
                (o.code if kind == "process" else str(o.pk), o.name) for o in self.options[kind]
            ]
            field_.choices = [("", field_.choices[0][1]), *values]
        for name in ("date_from", "date_to"):
            self.form.fields[name].widget.attrs.update(
                {"class": "govuk-input--width-10", "autocomplete": "off", "inputmode": "numeric"}
            )
        self.form.fields["preset"].required = False

    def no_filter(self, queryset, name, value):
        return queryset

    def _chosen(self, kind, value) -> Option | None:
        if not value:
            return None
        for option in self.options[kind]:
            if (option.code if kind == "process" else str(option.pk)) == value:
                return option
        return None

    def filters_or_none(self) -> ReportFilters | None:
        """The checked filters, or None when the form has errors (shown on the page)."""
        if not self.form.is_valid():
            return None
        data = self.form.cleaned_data
        query = {"preset": data["preset"]}
        if data["preset"] == "custom":
            query["date_from"] = data["date_from"].strftime("%d/%m/%Y")
            query["date_to"] = data["date_to"].strftime("%d/%m/%Y")
        chosen = {kind: self._chosen(kind, data.get(kind)) for kind in KINDS}
        for kind, option in chosen.items():
            if option is not None:
                query[kind] = option.code if kind == "process" else option.pk
        return ReportFilters(
            date_from=data["date_from"],
            date_to=data["date_to"],
            preset=data["preset"],
            query=query,
            **chosen,
        )
