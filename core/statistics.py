"""Planner statistics after bulk loads.

A PostgreSQL server without autovacuum (or before it wakes up) plans queries on freshly filled
tables as if they were empty: quick search took 2 s after seeding until ANALYZE ran. Every bulk
load (demo data, imports, timeline rebuilds) ends by calling `tables_analyze` on what it filled.
"""

from django.apps import apps
from django.db import connection


def app_tables(app_labels) -> list[str]:
    """The tables (with many-to-many tables) of the models of these apps."""
    tables = []
    for label in app_labels:
        for model in apps.get_app_config(label).get_models():
            if model._meta.managed and not model._meta.proxy:
                tables.append(model._meta.db_table)
                for field in model._meta.local_many_to_many:
                    through = field.remote_field.through
                    if through._meta.auto_created:
                        tables.append(through._meta.db_table)
    return sorted(set(tables))


def tables_analyze(tables) -> list[str]:
    """ANALYZE these tables (SQLite: the whole file, which is cheap); returns what it analysed."""
    tables = list(tables)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        else:
            cursor.execute("ANALYZE")
    return tables
