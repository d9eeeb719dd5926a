"""PostgreSQL only: indexes for the address picker (words anywhere, postcode prefix).

On SQLite these do nothing; the picker's queries work the same, scanning the table.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = [
    (
        "gazetteer_search_trgm",
        "CREATE INDEX IF NOT EXISTS gazetteer_search_trgm ON places_gazetteeraddress "
        "USING gin (search_text gin_trgm_ops)",
    ),
    (
        "gazetteer_postcode_prefix",
        "CREATE INDEX IF NOT EXISTS gazetteer_postcode_prefix ON places_gazetteeraddress "
        "(postcode_compact varchar_pattern_ops)",
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
    dependencies = [("places", "0001_initial")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
