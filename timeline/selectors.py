"""Reads of the timeline: the filtered feed of one citizen, a page at a time (keyset)."""

import base64
import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, JSONField, Q
from django.db.models.expressions import RawSQL

from timeline.filters import TimelineFilter
from timeline.models import Category, Entry

PAGE_SIZE = 25


class BadCursor(ValueError):
    pass


def cursor_encode(entry: Entry) -> str:
    raw = f"{entry.occurred_at.isoformat()}|{entry.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def cursor_decode(value: str) -> tuple[datetime.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        when, pk = raw.split("|")
        occurred_at = datetime.datetime.fromisoformat(when)
        if occurred_at.tzinfo is None:
            raise ValueError
        return occurred_at, int(pk)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadCursor("Not a timeline position") from exc


@dataclass
class Feed:
    filterset: TimelineFilter
    entries: list[Entry]
    next_cursor: str | None
    counts: list[tuple[str, str, int]]  # (category, label, count) under the other filters
    total: int

    @property
    def is_valid(self) -> bool:
        return self.filterset.is_valid()


def timeline_entries_base(*, citizen):
    return Entry.objects.filter(citizen=citizen).select_related("actor", "service_area")


def timeline_feed(*, citizen, filters, after: str | None = None, limit: int = PAGE_SIZE) -> Feed:
    """One page of a citizen's feed, newest first, in a fixed number of queries at any size.

    `after` is the cursor of the last entry already shown: entries that arrive meanwhile are
    newer, so they never shift the pages being read (no duplicates, no gaps).
    """
    # The "member of staff" select: names only (Staff.__str__), not whole staff rows.
    actors = (
        get_user_model()
        .objects.filter(
            pk__in=Entry.objects.filter(citizen=citizen, actor__isnull=False).values("actor_id")
        )
        .only("pk", "first_name", "last_name", "username")
    )
    filterset = TimelineFilter(
        filters, queryset=timeline_entries_base(citizen=citizen), actor_queryset=actors
    )
    if not filterset.is_valid():
        return Feed(filterset=filterset, entries=[], next_cursor=None, counts=[], total=0)
    queryset = filterset.qs.order_by("-occurred_at", "-id")
    if after:
        occurred_at, pk = cursor_decode(after)
        queryset = queryset.filter(
            Q(occurred_at__lt=occurred_at) | Q(occurred_at=occurred_at, pk__lt=pk)
        )
    selected = filterset.form.cleaned_data.get("kind") or []
    if _filters_given(filters) or after:
        entries = list(queryset[: limit + 1])
        counts, total = _counts(citizen=citizen, filters=filters, selected=selected)
    else:
        # No filter (the record's timeline tab, a feed's first page): the entries per kind come
        # with the entries, in the same query (an uncorrelated subquery: computed once); no
        # entry at all, then no count either.
        entries = list(queryset.annotate(kind_counts=_kind_counts_sql(citizen))[: limit + 1])
        rows = entries[0].kind_counts if entries else {}
        counts, total = _counts_listed(rows or {}, selected)
    next_cursor = cursor_encode(entries[limit - 1]) if len(entries) > limit else None
    return Feed(
        filterset=filterset,
        entries=entries[:limit],
        next_cursor=next_cursor,
        counts=counts,
        total=total,
    )


def _filters_given(filters) -> bool:
    """Whether any filter has a value (none: the record page's panel, a feed's first page)."""
    if hasattr(filters, "lists"):
        return any(any(values) for _key, values in filters.lists())
    return any(filters.values())


def _counts(*, citizen, filters, selected=()):
    """Entries per kind under every filter except the kind one (so each count is a choice),
    and the total the filters select: only the kinds ticked, when some are."""
    others = filters.copy()
    if hasattr(others, "setlist"):
        others.setlist("kind", [])
    else:
        others.pop("kind", None)
    queryset = Entry.objects.filter(citizen=citizen)
    if _filters_given(others):
        filterset = TimelineFilter(others, queryset=queryset)
        filterset.is_valid()
        queryset = filterset.qs
    rows = dict(
        queryset.order_by()
        .values_list("category")
        .annotate(n=Count("id"))
        .values_list("category", "n")
    )
    return _counts_listed(rows, selected)


def _kind_counts_sql(citizen) -> RawSQL:
    """{category: entries} of the citizen's whole timeline, as one JSON value."""
    table = Entry._meta.db_table
    if connection.vendor == "postgresql":
        aggregate = "json_object_agg(category, n)::text"  # text: JSONField decodes it
    else:
        aggregate = "json_group_object(category, n)"
    return RawSQL(
        f"(SELECT {aggregate} FROM (SELECT category, count(*) AS n FROM {table} "
        "WHERE citizen_id = %s GROUP BY category) AS per_kind)",
        [citizen.pk],
        output_field=JSONField(),
    )


def _counts_listed(rows: dict, selected=()):
    counts = [(value, label, rows.get(value, 0)) for value, label in Category.choices]
    if selected:
        total = sum(n for category, n in rows.items() if category in selected)
    else:
        total = sum(rows.values())
    return [c for c in counts if c[2]], total
