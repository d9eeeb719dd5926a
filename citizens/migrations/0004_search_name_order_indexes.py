"""Quick search reads what it ranks from B-tree indexes only (PostgreSQL only).

`citizens.search` first looks for people whose first name starts with the first word typed and
whose last name starts with the last ("Mar Thom"). These two partial indexes answer that with
an index-only range scan: C collation makes LIKE 'thom%' a range, and the INCLUDE columns are
everything the ranking reads, so no table row is visited. One is ordered by last name (for a
single word, or a rare last name), the other by the normalised full name, which starts with the
first name (for a rare first name); the planner takes the narrower range.

A postcode on its own lists its people by name: `address_postcode_citizen` (replacing
`address_postcode_prefix`, same key) gives the citizen ids and `citizen_active_name_sort` their
sort keys, again without reading table rows (~250 people share each demo postcode).

Built CONCURRENTLY so a live register keeps taking writes (hence a non-atomic migration). On
SQLite these operations do nothing.
"""

from django.db import migrations

INDEXES = [
    (
        "citizen_search_last_name_order",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS citizen_search_last_name_order "
        'ON citizens_citizen (search_last_name COLLATE "C", search_name COLLATE "C") '
        "INCLUDE (id, date_of_birth, first_name, middle_names, last_name, preferred_name) "
        "WHERE status = 'active'",
    ),
    (
        "citizen_search_first_name_order",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS citizen_search_first_name_order "
        'ON citizens_citizen (search_name COLLATE "C") '
        "INCLUDE (id, search_last_name, date_of_birth, first_name, middle_names, last_name, "
        "preferred_name) WHERE status = 'active'",
    ),
    (
        "address_postcode_citizen",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS address_postcode_citizen "
        "ON citizens_address (postcode_compact varchar_pattern_ops) INCLUDE (citizen_id)",
    ),
    (
        "citizen_active_name_sort",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS citizen_active_name_sort "
        "ON citizens_citizen (id) INCLUDE (search_last_name, first_name) "
        "WHERE status = 'active'",
    ),
]
# Made redundant by address_postcode_citizen (same key and operator class).
REPLACED = (
    "address_postcode_prefix",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS address_postcode_prefix ON citizens_address "
    "(postcode_compact varchar_pattern_ops)",
)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _name, sql in INDEXES:
        schema_editor.execute(sql)
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {REPLACED[0]}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(REPLACED[1])
    for name, _sql in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("citizens", "0003_postgres_search_indexes")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
