from django.db import connection

from core.models import Sequence


def sequence_take(*, name: str, count: int = 1) -> range:
    """Reserve `count` consecutive numbers from the named counter (safe under concurrency).

    One statement (insert the counter or add to it, returning the new value): the row lock it
    takes serialises concurrent callers until their transactions end, as SELECT … FOR UPDATE
    did, in one round trip instead of five. PostgreSQL and SQLite (3.35+) both accept it.
    """
    table = connection.ops.quote_name(Sequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (name, value) VALUES (%s, %s) "  # noqa: S608 (our table name)
            f"ON CONFLICT (name) DO UPDATE SET value = {table}.value + excluded.value "
            "RETURNING value",
            [name, count],
        )
        (value,) = cursor.fetchone()
    return range(value - count + 1, value + 1)


def sequence_next(*, name: str) -> int:
    return sequence_take(name=name, count=1)[0]
