"""PostgreSQL plans the pages' queries once per connection, not on every page (#19)."""

import json

import pytest
from django.db import connection

from tests.factories.citizens import CitizenFactory
from tests.processes import fresh_process

POSTGRES = connection.vendor == "postgresql"


def _prepared(fragment):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            [f"%{fragment}%"],
        )
        return cursor.fetchone()[0]


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL's prepared statements")
@pytest.mark.django_db
def test_the_record_pages_queries_are_prepared_from_their_fifth_use(agent_client):
    citizens = CitizenFactory.create_batch(6)
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    connection.connection._prepared.clear()  # psycopg's own record of what it prepared
    # Six different citizens: the same query text each time, parameters apart.
    for citizen in citizens[:4]:
        assert agent_client.get(f"/citizens/{citizen.pk}/").status_code == 200
    assert _prepared("citizens_assistanceflag") == 0
    for citizen in citizens[4:]:
        assert agent_client.get(f"/citizens/{citizen.pk}/").status_code == 200
    assert _prepared("citizens_assistanceflag") == 1


def _options(**env):
    script = (
        "import django, json\n"
        "django.setup()\n"
        "from django.conf import settings\n"
        "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {}), default=str))\n"
    )
    return json.loads(fresh_process(script, env=env))


def test_prepared_statements_are_on_for_postgresql_and_can_be_turned_off():
    url = "postgres://postgres@127.0.0.1:5432/postgres"
    on = _options(DATABASE_URL=url)
    assert on["server_side_binding"] is True
    assert on["prepare_threshold"] == 5
    off = _options(DATABASE_URL=url, DATABASE_PREPARED_STATEMENTS="false")
    assert "server_side_binding" not in off
    assert "prepare_threshold" not in off
    sqlite = _options(DATABASE_URL="sqlite:///var/unused.sqlite3")
    assert "server_side_binding" not in sqlite
