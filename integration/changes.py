"""The change feed: what changed on citizens and requests, in order, with a cursor.

Writing: `change_record()` is called by this app's receivers of the citizens' and requests'
domain signals, inside the transaction of the change, so the feed never disagrees with the data.

Reading in order without skipping: row ids are handed out when rows are inserted, not when their
transactions commit, so "everything after id 100" read now can miss id 99 committed a moment
later. So the feed is ordered by `seq`, a number given to changes only once they are committed:
`changes_publish()` (run by every feed read, under a lock so one publisher numbers at a time)
numbers the committed, unnumbered changes in id order after the highest number given so far. A
change that commits late simply gets a later number; a cursor (the last `seq` read) never
moves past a change that is not yet visible.
"""

from django.db import connection, transaction
from django.utils import timezone

from integration.models import Change

PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
PUBLISH_BATCH = 5000
# Key of the PostgreSQL advisory lock that lets one publisher number changes at a time.
PUBLISH_LOCK = 16_0001


class BadCursor(ValueError):
    pass


def change_record(*, event: str, obj, reference: str, object_type: str, actor=None, data=None):
    """Write one change (not yet numbered) in the caller's transaction."""
    return Change.objects.create(
        event=event,
        object_type=object_type,
        object_id=obj.pk,
        reference=reference,
        occurred_at=timezone.now(),
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        data=data or {},
    )


def changes_record_many(*, event: str, object_type: str, items, actor=None) -> list[Change]:
    """Write one change per (obj, reference, data) in one statement, in the caller's order."""
    now = timezone.now()
    actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return Change.objects.bulk_create(
        [
            Change(
                event=event,
                object_type=object_type,
                object_id=obj.pk,
                reference=reference,
                occurred_at=now,
                actor=actor,
                data=data or {},
            )
            for obj, reference, data in items
        ]
    )


PUBLISH_SQL = """
    UPDATE integration_change SET seq = numbered.top + numbered.n
    FROM (
        SELECT id, row_number() OVER (ORDER BY id) AS n,
               (SELECT COALESCE(MAX(seq), 0) FROM integration_change) AS top
        FROM integration_change WHERE seq IS NULL ORDER BY id LIMIT %s
    ) AS numbered
    WHERE integration_change.id = numbered.id
"""


def changes_publish() -> int:
    """Number the committed changes that have no number yet; returns how many were numbered.

    One indexed look at the unpublished changes when there are none (the usual case); else,
    under the lock, one UPDATE per batch numbers them in id order after the highest number.
    """
    if not Change.objects.filter(seq__isnull=True).exists():
        return 0
    numbered = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PUBLISH_LOCK])
        while True:
            cursor.execute(PUBLISH_SQL, [PUBLISH_BATCH])
            if cursor.rowcount <= 0:
                return numbered
            numbered += cursor.rowcount


def cursor_encode(change: Change) -> str:
    return str(change.seq)


def cursor_decode(cursor: str) -> int:
    if not cursor.isdigit() or len(cursor) > 18:
        raise BadCursor("This cursor is not one the feed gave out.")
    return int(cursor)


def changes_since(*, cursor: str | None, limit: int = PAGE_SIZE) -> tuple[list[Change], bool]:
    """The next `limit` changes after `cursor` (from the start without one), and whether more
    are waiting."""
    after = cursor_decode(cursor) if cursor else 0
    changes_publish()
    queryset = Change.objects.select_related("actor").filter(seq__gt=after).order_by("seq")
    rows = list(queryset[: limit + 1])
    return rows[:limit], len(rows) > limit
