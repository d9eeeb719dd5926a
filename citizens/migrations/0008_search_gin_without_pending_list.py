"""Quick search's GIN indexes without a pending list (PostgreSQL only; nothing on SQLite).

With `fastupdate` on (PostgreSQL's default) new index entries wait in an unsorted pending list
until a VACUUM, an autovacuum's analyze or a list past `gin_pending_list_limit` (4 MB) moves
them into the index, and every search reads the whole list meanwhile. On the load benchmark's
100,000 citizens the list held 17,552 entries (439 pages, left there by building the register):
each full-text lookup took 13-17 ms instead of under 1, three lookups per name typed — ~20 ms of
PostgreSQL CPU per quick search instead of ~2 (docs/performance.md, "h19b"). Off, each insert
or change of a citizen's name writes its entries straight into the index: ~0.06 ms more per
row, ~40 µs a row in a bulk load.
"""

from django.db import migrations

INDEXES = ("citizen_search_keys_fts", "citizen_search_name_trgm", "address_line_1_trgm")


def fastupdate_off(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"ALTER INDEX IF EXISTS {name} SET (fastupdate = off)")
        # Turning it off leaves what is already pending where it is: move it into the index.
        schema_editor.execute(
            f"SELECT gin_clean_pending_list(to_regclass('{name}')) "
            f"WHERE to_regclass('{name}') IS NOT NULL"
        )


def fastupdate_default(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"ALTER INDEX IF EXISTS {name} RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [("citizens", "0007_citizen_withdrawn_status")]

    operations = [migrations.RunPython(fastupdate_off, fastupdate_default)]
