"""PostgreSQL search tools: pg_trgm, unaccent and the GIN/B-tree indexes quick search uses.

All of it is PostgreSQL-only; on SQLite these operations do nothing (citizens.search has a
portable fallback).
"""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

INDEXES = [
    # Fuzzy whole-name matching (similarity, % operator).
    (
        "citizen_search_name_trgm",
        "CREATE INDEX IF NOT EXISTS citizen_search_name_trgm ON citizens_citizen "
        "USING gin (search_name gin_trgm_ops)",
    ),
    # Name tokens, phonetic and sorted-letter keys, prefix matching: full-text on 'simple'.
    (
        "citizen_search_keys_fts",
        "CREATE INDEX IF NOT EXISTS citizen_search_keys_fts ON citizens_citizen "
        "USING gin (to_tsvector('simple'::regconfig, search_keys))",
    ),
    # Postcode district prefix (LIKE 'SW1A%') whatever the database collation.
    (
        "address_postcode_prefix",
        "CREATE INDEX IF NOT EXISTS address_postcode_prefix ON citizens_address "
        "(postcode_compact varchar_pattern_ops)",
    ),
    # Street search with unaccent/trigram in advanced search.
    (
        "address_line_1_trgm",
        "CREATE INDEX IF NOT EXISTS address_line_1_trgm ON citizens_address "
        "USING gin (upper(line_1) gin_trgm_ops)",
    ),
    # Email prefix lookups.
    (
        "email_lower_prefix",
        "CREATE INDEX IF NOT EXISTS email_lower_prefix ON citizens_emailaddress "
        "(lower(email) varchar_pattern_ops)",
    ),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _name, sql in INDEXES:
        schema_editor.execute(sql)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _sql in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("citizens", "0002_service_accounts_notes_history")]

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
