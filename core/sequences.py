"""Named counters for human-readable references (C0001234, REQ-2026-000123, FRM-2026-000045).

On PostgreSQL each counter is a database sequence (`core_counter_<name>`): `nextval` takes no
row lock, so raising a request, creating a citizen or importing a batch never waits for another
transaction that took a number before it and has not committed yet. (A counter row, as
`core_sequence` is, stays locked until the transaction that updated it ends: with 16 agents
raising requests at once the raises queued behind each other — 480 ms at p95 for a 26 ms page;
docs/performance.md.) The price is PostgreSQL's: a number taken by a transaction that then rolls
back is not given out again, so the numbers can have gaps; they are never given out twice.

A sequence is made the first time its counter is used (a new year's request numbers start on
the first raise of the year), starting after the value in `core_sequence`, so a database whose
counters were rows carries on from where they were. On SQLite (the embedded default, which lets
one writer at a time in anyway) the counters stay rows of `core_sequence`.
"""

import re

from django.db import connection

from core.models import Sequence

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,40}$")


def _sequence_name(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"Not a counter name: {name!r}")
    return "core_counter_" + name.replace("-", "_")


def sequence_take(*, name: str, count: int = 1) -> list[int]:
    """Take `count` numbers from the named counter, in increasing order (safe under
    concurrency: no number is given out twice). On SQLite they are consecutive; on PostgreSQL
    they are consecutive unless another transaction takes numbers from the same counter at
    the same moment."""
    sequence = _sequence_name(name)
    if count < 1:
        raise ValueError("count must be at least 1")
    if connection.vendor == "postgresql":
        return _postgresql_take(name, sequence, count)
    return _row_take(name, count)


def sequence_next(*, name: str) -> int:
    return sequence_take(name=name, count=1)[0]


def _row_take(name: str, count: int) -> list[int]:
    """One statement (insert the counter or add to it, returning the new value); the row lock
    it takes serialises concurrent callers until their transactions end."""
    table = connection.ops.quote_name(Sequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (name, value) VALUES (%s, %s) "  # noqa: S608 (our table name)
            f"ON CONFLICT (name) DO UPDATE SET value = {table}.value + excluded.value "
            "RETURNING value",
            [name, count],
        )
        (value,) = cursor.fetchone()
    return list(range(value - count + 1, value + 1))


def _postgresql_take(name: str, sequence: str, count: int) -> list[int]:
    # One round trip when the sequence exists (nextval of NULL is NULL when it does not).
    take = "SELECT nextval(to_regclass(%s)) FROM generate_series(1, %s)"
    with connection.cursor() as cursor:
        cursor.execute(take, [sequence, count])
        numbers = [row[0] for row in cursor.fetchall()]
        if numbers[0] is None:
            _postgresql_create(cursor, name, sequence)
            cursor.execute(take, [sequence, count])
            numbers = [row[0] for row in cursor.fetchall()]
    return sorted(numbers)


def _postgresql_create(cursor, name: str, sequence: str) -> None:
    """Make the counter's sequence, once: an advisory lock (held to the end of this
    transaction) makes a second transaction doing the same wait and then find it made."""
    cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [sequence])
    table = connection.ops.quote_name(Sequence._meta.db_table)
    cursor.execute(
        f"SELECT COALESCE((SELECT value FROM {table} WHERE name = %s), 0)",  # noqa: S608
        [name],
    )
    (start,) = cursor.fetchone()
    cursor.execute(
        f"CREATE SEQUENCE IF NOT EXISTS {connection.ops.quote_name(sequence)} "
        f"AS bigint MINVALUE 1 START WITH {int(start) + 1}"
    )
