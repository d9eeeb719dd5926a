"""Title-and-keywords vector beside the whole-document one, filled for existing articles; the
full-text GIN index without a pending list (articles are written rarely and read on every
keystroke: a pending list left by bulk loads made each search scan it). PostgreSQL only; on
SQLite the column stays empty and unused."""

import django.contrib.postgres.search
from django.db import migrations


def fill(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "UPDATE faq_article SET title_vector = "
        "to_tsvector('english', split_part(search_text, E'\\n', 1))"
    )
    schema_editor.execute("ALTER INDEX faq_article_search_vector_gin SET (fastupdate = off)")
    schema_editor.execute("SELECT gin_clean_pending_list('faq_article_search_vector_gin')")


def unfill(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER INDEX faq_article_search_vector_gin RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [("faq", "0002_postgres_search_indexes")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="title_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(fill, unfill),
    ]
