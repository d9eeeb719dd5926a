"""PostgreSQL search indexes for the knowledge base: full-text on the weighted search vector and
trigram on the vocabulary (misspelling correction). Nothing on SQLite (faq.search falls back).
"""

from django.db import migrations

INDEXES = [
    (
        "faq_article_search_vector_gin",
        "CREATE INDEX IF NOT EXISTS faq_article_search_vector_gin ON faq_article "
        "USING gin (search_vector)",
    ),
    (
        "faq_searchterm_word_trgm",
        "CREATE INDEX IF NOT EXISTS faq_searchterm_word_trgm ON faq_searchterm "
        "USING gin (word gin_trgm_ops)",
    ),
    (
        "faq_searchterm_word_prefix",
        "CREATE INDEX IF NOT EXISTS faq_searchterm_word_prefix ON faq_searchterm "
        "(word varchar_pattern_ops)",
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
    # pg_trgm is created by citizens.0003.
    dependencies = [("faq", "0001_initial"), ("citizens", "0003_postgres_search_indexes")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
