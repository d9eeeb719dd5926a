"""Reads for contacts: the open contact, history lists, one contact, prompts and reports."""

import math
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property

from django.db import connection
from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When, Window
from django.db.models.functions import ExtractIsoWeekDay

from citizens.selectors import citizen_contact_prompts
from contacts import extensions
from contacts import report_summary as summary
from contacts.filters import ContactFilter
from contacts.models import Channel, Contact, ContactType, Outcome, ReportDayCount
from core.filters import day_start
from core.literals import Literal
from core.precompiled import PrecompiledRead
from core.refcache import held
from organisation.models import Location, ServiceArea

# Reverse relations on Contact that are bookkeeping, not "items linked to the contact".
_NOT_LINKED_APPS = {"contacts", "audit", "timeline"}


# Stand-in for a member of staff's id while the reads below are built (no real id is negative).
_STAFF_STAND_IN = -790_001_919
_CITIZEN_STAND_IN = -790_001_929

# Both reads run on many pages (the bar on every signed-in page): their SQL is built once per
# process (core.precompiled), which saves ~1 ms of CPU each time.
_open_for = PrecompiledRead(
    lambda agent_id: (
        Contact.objects.open()
        .filter(agent_id=agent_id)
        .select_related("citizen", "channel", "location")
        # No ORDER BY: a member of staff has at most one open contact (a unique index says
        # so). Ordered by time, PostgreSQL's generic plan for the prepared statement walked
        # the agent's whole history newest first looking for an open one — 80 ms for an agent
        # with 129,000 contacts and none open, on every page that asks.
        .order_by()[:1]
    ),
    agent_id=_STAFF_STAND_IN,
)


def contact_open_for(*, staff) -> Contact | None:
    """The contact this member of staff is handling now (each holds at most one), if any."""
    if staff is None or not staff.is_authenticated:
        return None
    return _open_for.first(agent_id=staff.pk)


_CONTACT_FIELDS = tuple(f.name for f in Contact._meta.concrete_fields)
_BAR_CITIZEN_FIELDS = ("status", "reference", "title", "first_name", "last_name", "merged_into")


@dataclass
class ContactBar:
    contact: Contact | None
    review_count: int

    @cached_property
    def verified(self) -> list[str]:
        """Services the caller passed verification for in the open contact, shown on the bar
        of every page (read with the page, not fetched by a second request after it)."""
        return contact_verified_services(contact=self.contact)


def _bar_read(agent_id):
    return (
        Contact.objects.filter(agent_id=agent_id)
        # Literals, not parameters: the generic plan reads the one-open-contact index and the
        # agent's contacts to review, not the agent's whole history (tests/contacts/
        # test_open_contact_plan.py).
        .filter(Q(status=Literal(Contact.Status.OPEN.value)) | Q(needs_review=Literal(True)))
        .select_related("citizen", "channel", "location")
        # Every signed-in page runs this: the contact's own columns, and of the citizen's wide
        # row only what the pages show of the person in the contact (name, reference).
        .only(*_CONTACT_FIELDS, *(f"citizen__{name}" for name in _BAR_CITIZEN_FIELDS))
        .annotate(
            review_total=Window(
                Sum(Case(When(needs_review=True, then=1), default=0, output_field=IntegerField()))
            ),
            open_first=Case(
                When(status=Contact.Status.OPEN, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .order_by("open_first", "-started_at", "-id")[:1]
    )


_bar = PrecompiledRead(_bar_read, agent_id=_STAFF_STAND_IN)


def contact_bar_for(*, staff) -> ContactBar:
    """The open contact and how many contacts await completion, in one query."""
    if staff is None or not staff.is_authenticated:
        return ContactBar(None, 0)
    row = _bar.first(agent_id=staff.pk)
    if row is None:
        return ContactBar(None, 0)
    return ContactBar(row if row.is_open else None, int(row.review_total or 0))


def _with_related(queryset):
    return queryset.select_related(
        "citizen",
        "agent",
        "channel",
        "location",
        "service_area",
        "contact_type",
        "outcome",
        "avoidable_reason",
    )


def contact_get(*, pk) -> Contact:
    return _with_related(Contact.objects.all()).prefetch_related("partners").get(pk=pk)


def contact_list(*, filters=None, citizen=None):
    """A FilterSet over contacts (newest first); `.qs` is empty when the filters are invalid."""
    queryset = Contact.objects.all()
    if citizen is not None:
        queryset = queryset.filter(citizen=citizen)
    filterset = ContactFilter(filters if filters is not None else {}, queryset=queryset)
    queryset = filterset.qs if filterset.is_valid() else queryset.none()
    queryset = _with_related(queryset).order_by("-started_at", "-id")
    return filterset, queryset


# Counting every contact is most of the cost of a broad history page at a million rows, so the
# list counts at most this many matches exactly and says "more than …" beyond it.
HISTORY_COUNT_CAP = 10_000


class ContactPaginator:
    """Pages of a contact list that never count more than `count_cap` matches.

    Rows come from one query fetching a page plus one row (to know whether there is a next
    page); the total from a second, bounded one: `COUNT(*)` over at most `count_cap + 1` rows,
    or, for the unfiltered list on PostgreSQL, the planner's row estimate (`pg_class.reltuples`)
    when that is above the cap. `count` is the exact total when known, else None; `summary`
    says it in words ("25 contacts", "More than 10,000 contacts", "About 1,000,000 contacts").
    """

    def __init__(self, queryset, per_page, *, count_cap=None):
        self.queryset = queryset
        self.per_page = per_page
        self.count_cap = HISTORY_COUNT_CAP if count_cap is None else count_cap

    @cached_property
    def _total(self) -> tuple[int, str]:
        if not self.queryset.query.where:
            estimate = _estimated_rows(self.queryset.model)
            if estimate is not None and estimate > self.count_cap:
                return estimate, "about"
        found = self.queryset.order_by()[: self.count_cap + 1].count()
        if found > self.count_cap:
            return self.count_cap, "more"
        return found, "exact"

    @property
    def count(self) -> int | None:
        number, kind = self._total
        return number if kind == "exact" else None

    @property
    def num_pages(self) -> int | None:
        if self.count is None:
            return None
        return max(1, math.ceil(self.count / self.per_page))

    @property
    def summary(self) -> str:
        number, kind = self._total
        if kind == "about":
            return f"About {_round_figures(number):,} contacts"
        if kind == "more":
            return f"More than {number:,} contacts"
        return f"{number:,} contact{'' if number == 1 else 's'}"

    def get_page(self, number) -> "ContactPage":
        """The page asked for; page 1 for nonsense, the last page past the end when known."""
        try:
            number = max(1, int(number))
        except (TypeError, ValueError):
            number = 1
        if self.num_pages is not None:
            number = min(number, self.num_pages)
        offset = (number - 1) * self.per_page
        rows = list(self.queryset[offset : offset + self.per_page + 1])
        return ContactPage(rows[: self.per_page], number, len(rows) > self.per_page, self)


class ContactPage:
    def __init__(self, object_list, number, has_next, paginator):
        self.object_list = object_list
        self.number = number
        self._has_next = has_next
        self.paginator = paginator

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_next(self):
        return self._has_next

    def has_previous(self):
        return self.number > 1

    def has_other_pages(self):
        return self.has_next() or self.has_previous()

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1


def _estimated_rows(model) -> int | None:
    """PostgreSQL's estimate of a table's rows (kept by autovacuum/ANALYZE); None elsewhere."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [model._meta.db_table],
        )
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] and row[0] > 0 else None


def _round_figures(number, figures=2):
    """1,234,567 -> 1,200,000: an estimate should not look exact."""
    if number <= 0:
        return 0
    digits = int(math.floor(math.log10(number))) + 1
    return int(round(number, figures - digits)) if digits > figures else number


RECENT_ROWS = 5


def _contacts_recent_read(citizen_id):
    # What the rows show (contacts/_contact_rows.html without the citizen column), not the
    # citizen's and the agent's whole rows: building and reading ~100 columns cost more than
    # the query itself (#19).
    return (
        Contact.objects.filter(citizen_id=citizen_id)
        .select_related("agent", "channel", "location", "service_area", "contact_type", "outcome")
        .only(
            "citizen_id",
            "status",
            "started_at",
            "needs_review",
            "agent__username",
            "agent__first_name",
            "agent__last_name",
            "channel__name",
            "location__name",
            "service_area__name",
            "contact_type__name",
            "outcome__name",
        )
        .annotate(all_count=Window(Count("id")))
        .order_by("-started_at", "-id")[:RECENT_ROWS]
    )


# The record page asks on every visit: its SQL is built once per process (core.precompiled).
_contacts_recent = PrecompiledRead(_contacts_recent_read, citizen_id=_CITIZEN_STAND_IN)


def citizen_contacts_recent_and_total(*, citizen) -> tuple[list, int]:
    """The citizen's latest RECENT_ROWS contacts and how many they have in all, in one query."""
    rows = _contacts_recent.objects(citizen_id=citizen.pk)
    return rows, (rows[0].all_count if rows else 0)


def contacts_needing_review(*, staff):
    return _with_related(Contact.objects.filter(agent=staff, needs_review=True)).order_by(
        "-started_at", "-id"
    )


def contact_default_location(*, staff):
    """The location of the staff member's last contact, else their usual location."""
    last = (
        Contact.objects.filter(agent=staff)
        .order_by("-started_at", "-id")
        .values_list("location_id", flat=True)
        .first()
    )
    return last or staff.usual_location_id


FACE_TO_FACE_LOCATIONS = {"reception", "community_hub"}


def staff_channels_held() -> list:
    """The channels staff record contacts on (Channel.objects.for_staff()), kept per process
    (core.refcache) until a channel is saved or deleted. Shared rows: read them, never change
    them."""
    return held(("staff channels",), lambda: list(Channel.objects.for_staff()), models=[Channel])


def contact_default_channel(*, location_id, requested: str = "", channels=None):
    """The channel to offer: the one asked for, else face to face at a reception desk or a
    community hub (people walk in there), else the first active one (the phone)."""
    from organisation.models import Location

    # Ordered: the first is the default. `channels`: the active rows, when the caller has them;
    # channels residents use on their own (online forms, Open311) are never offered to staff.
    # Both lists are small reference data kept per process (core.refcache).
    if channels is None:
        channels = staff_channels_held()
    channels = {c.code: c for c in channels if not c.self_service}
    if requested in channels:
        return channels[requested]
    if location_id and "face_to_face" in channels:
        kinds = held(
            ("location kinds",),
            lambda: dict(Location.objects.values_list("pk", "kind")),
            models=[Location],
        )
        if kinds.get(location_id) in FACE_TO_FACE_LOCATIONS:
            return channels["face_to_face"]
    return next(iter(channels.values()), None)


def agent_outcomes():
    """Outcomes an agent may choose (the job's "not recorded" is not one of them)."""
    return Outcome.objects.active().exclude(code="not_recorded")


# --- Prompts and linked items ---------------------------------------------------------------


def contact_prompts(*, citizen, staff, include_citizen=True) -> list[extensions.Prompt]:
    """What the agent should act on at the start of a contact with this citizen.

    `include_citizen=False` leaves out citizens' own prompts (missing or stale email/mobile,
    assistance needs) for pages that show those already, such as the citizen record.
    """
    if citizen is None:
        return []
    providers = []
    if include_citizen:
        providers.append(lambda *, citizen, staff: citizen_contact_prompts(citizen=citizen))
    providers.extend(extensions.prompt_providers())
    prompts = []
    for provider in providers:
        for item in provider(citizen=citizen, staff=staff) or []:
            prompts.append(_as_prompt(item))
    return prompts


def _as_prompt(item) -> extensions.Prompt:
    if isinstance(item, extensions.Prompt):
        return item
    if isinstance(item, str):
        return extensions.Prompt(text=item)
    if isinstance(item, dict):
        return extensions.Prompt(
            text=str(item.get("text") or item.get("message") or ""),
            level=item.get("level", "info"),
            url=item.get("url", ""),
        )
    return extensions.Prompt(
        text=str(getattr(item, "text", None) or getattr(item, "message", None) or item),
        level=getattr(item, "level", "info"),
        url=getattr(item, "url", ""),
    )


def _reverse_relations():
    for rel in Contact._meta.related_objects:
        if rel.one_to_many and rel.related_model._meta.app_label not in _NOT_LINKED_APPS:
            yield rel


def contact_verified_services(*, contact) -> list[str]:
    """Services the caller passed verification for during this contact."""
    if contact is None:
        return []
    names = []
    for func in extensions.verified_services_providers():
        for name in func(contact=contact) or []:
            if name not in names:
                names.append(name)
    return names


@dataclass
class LinkedGroup:
    label: str
    items: list


def contact_linked_items(*, contact) -> list[LinkedGroup]:
    """Requests raised, forms started and verifications made during the contact."""
    groups = []
    shown_elsewhere = extensions.not_linked_models()  # e.g. verifications: "Verified for"
    for rel in _reverse_relations():
        if rel.related_model in shown_elsewhere:
            continue
        rows = getattr(contact, rel.get_accessor_name()).all()
        related = extensions.linked_related(rel.related_model)
        items = list((rows.select_related(*related) if related else rows)[:50])
        if items:
            label = str(rel.related_model._meta.verbose_name_plural).capitalize()
            groups.append(LinkedGroup(label, items))
    for label, func in extensions.linked_item_providers():
        items = list(func(contact=contact) or [])
        if items:
            groups.append(LinkedGroup(label, items))
    return groups


# --- Reports --------------------------------------------------------------------------------

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@dataclass
class ReportRow:
    label: str
    total: int
    avoidable: int
    avoidable_known: int
    resolved: int
    resolved_known: int
    share: float = 0.0  # of the whole range, in per cent
    bar: float = 0.0  # width of the bar, relative to the biggest row, in per cent

    @property
    def avoidable_rate(self):
        return _rate(self.avoidable, self.avoidable_known)

    @property
    def fcr_rate(self):
        return _rate(self.resolved, self.resolved_known)


@dataclass
class ReportSection:
    key: str
    title: str
    heading: str
    rows: list


def _rate(part, whole):
    return round(100 * part / whole, 1) if whole else None


class _Tally:
    """Report measures summed per breakdown value, from live contacts and/or the summary."""

    def __init__(self):
        self.overall = [0] * len(summary.MEASURES)
        self.values = {}  # (breakdown, key, key2) -> measures
        self.weekdays = {}  # ISO weekday -> measures

    @staticmethod
    def _add(into, measures):
        for n, value in enumerate(measures):
            into[n] += value

    def add(self, breakdown, key, key2, measures):
        self._add(self.values.setdefault((breakdown, key, key2), [0] * len(measures)), measures)

    def add_weekday(self, weekday, measures):
        self._add(self.weekdays.setdefault(int(weekday), [0] * len(measures)), measures)

    def add_live(self, queryset):
        """Count contacts directly: one aggregate per breakdown (7 queries)."""
        self._add(self.overall, summary.measures_of(queryset.aggregate(**summary.AGGREGATES)))
        for breakdown, (key, key2) in summary.GROUPS.items():
            for values, measures in summary.grouped(queryset, breakdown):
                self.add(breakdown, values[key], values[key2] if key2 else None, measures)
        days = queryset.annotate(r_weekday=ExtractIsoWeekDay("started_at"))
        for values in days.values("r_weekday").annotate(**summary.AGGREGATES).order_by():
            self.add_weekday(values["r_weekday"], summary.measures_of(values))

    def add_summary(self, date_from, date_to):
        """Read summarised days (2 queries, whatever the length of the range)."""
        rows = ReportDayCount.objects.filter(day__gte=date_from, day__lte=date_to)
        sums = {m: Sum(m) for m in summary.MEASURES}
        for values in (
            rows.exclude(breakdown=ReportDayCount.Breakdown.ALL)
            .values("breakdown", "key", "key2")
            .annotate(**{f"m_{m}": agg for m, agg in sums.items()})
            .order_by()
        ):
            measures = summary.measures_of(values)
            self.add(values["breakdown"], values["key"], values["key2"], measures)
        for values in rows.filter(breakdown=ReportDayCount.Breakdown.ALL).values(
            "day_id", *summary.MEASURES
        ):
            measures = [values[m] for m in summary.MEASURES]
            self._add(self.overall, measures)
            self.add_weekday(values["day_id"].isoweekday(), measures)

    def rows(self, breakdown):
        return [
            (key, key2, measures)
            for (kind, key, key2), measures in self.values.items()
            if kind == breakdown
        ]


def _row(label, measures) -> ReportRow:
    return ReportRow(label, *measures)


def _finish(rows, grand_total):
    biggest = max((r.total for r in rows), default=0)
    for row in rows:
        row.share = round(100 * row.total / grand_total, 1) if grand_total else 0.0
        row.bar = round(100 * row.total / biggest, 1) if biggest else 0.0
    return rows


def _names(model, ids):
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(model.objects.filter(pk__in=ids).values_list("pk", "name"))


def contact_report(*, date_from, date_to) -> dict:
    """Volumes and rates by channel, service area, contact type, location, hour and weekday
    for contacts started between two dates (whole days, inclusive).

    Days at least `report_summary.SETTLED_DAYS` old are read from the daily summary (built on
    first use); more recent days are counted live. The figures are the same either way.
    """
    settled = summary.last_settled_day()
    tally = _Tally()
    if date_from <= settled:
        last = min(date_to, settled)
        summary.report_days_build(date_from=date_from, date_to=last)
        tally.add_summary(date_from, last)
    live_from = max(date_from, settled + timedelta(days=1))
    if live_from <= date_to:
        tally.add_live(
            Contact.objects.filter(
                started_at__gte=day_start(live_from),
                started_at__lt=day_start(date_to + timedelta(days=1)),
            )
        )
    return _report_from(tally)


def contact_report_live(*, queryset) -> dict:
    """The same report counted directly over any set of contacts (no summary)."""
    tally = _Tally()
    tally.add_live(queryset)
    return _report_from(tally)


def _report_from(tally) -> dict:
    B = ReportDayCount.Breakdown
    total = tally.overall[0]
    not_recorded = "Not recorded"
    names = {
        B.CHANNEL: _names(Channel, (k for k, _, _ in tally.rows(B.CHANNEL))),
        B.SERVICE_AREA: _names(
            ServiceArea,
            [k for k, _, _ in tally.rows(B.SERVICE_AREA)]
            + [k2 for _, k2, _ in tally.rows(B.CONTACT_TYPE)],
        ),
        B.CONTACT_TYPE: _names(ContactType, (k for k, _, _ in tally.rows(B.CONTACT_TYPE))),
        B.LOCATION: _names(Location, (k for k, _, _ in tally.rows(B.LOCATION))),
    }

    def by_name(breakdown):
        rows = [
            _row(names[breakdown].get(key) or not_recorded, measures)
            for key, _key2, measures in tally.rows(breakdown)
        ]
        rows.sort(key=lambda r: (-r.total, r.label))
        return _finish(rows, total)

    types = []
    for key, key2, measures in tally.rows(B.CONTACT_TYPE):
        name = names[B.CONTACT_TYPE].get(key)
        area = names[B.SERVICE_AREA].get(key2)
        types.append(_row(f"{name} ({area})" if name else not_recorded, measures))
    types.sort(key=lambda r: (-r.total, r.label))

    empty = [0] * len(summary.MEASURES)
    hours = {key: measures for key, _key2, measures in tally.rows(B.HOUR)}
    hour_rows = [_row(f"{h:02d}:00–{h:02d}:59", hours.get(h) or empty) for h in range(24)]
    day_rows = [
        _row(name, tally.weekdays.get(i) or empty) for i, name in enumerate(WEEKDAYS, start=1)
    ]
    return {
        "overall": _row("All contacts", tally.overall),
        "sections": [
            ReportSection("channel", "By channel", "Channel", by_name(B.CHANNEL)),
            ReportSection(
                "service_area", "By service area", "Service area", by_name(B.SERVICE_AREA)
            ),
            ReportSection(
                "contact_type", "By contact type", "Contact type", _finish(types, total)
            ),
            ReportSection("location", "By location", "Location", by_name(B.LOCATION)),
            ReportSection("hour", "By hour of the day", "Hour", _finish(hour_rows, total)),
            ReportSection("weekday", "By day of the week", "Day", _finish(day_rows, total)),
        ],
    }
