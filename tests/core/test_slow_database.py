"""A database that is down or too slow degrades plainly (#19, "Bad input"): the page says so with a
503 and when to try again, never a 500 and never a worker held until gunicorn's timeout."""

import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.test import Client

from tests.factories.citizens import CitizenFactory
from tests.processes import fresh_process

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = connection.vendor == "postgresql"
MESSAGE = "did not answer in time"


@contextmanager
def citizens_table_fails(fail):
    """Every query that reads citizens goes through `fail` first (the rest of the page is fine)."""

    def wrapper(execute, sql, params, many, context):
        if "citizens_citizen" in sql:
            fail(context["cursor"])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield


def _locked(cursor):
    raise OperationalError("database is locked")


def _signed_in(agent):
    client = Client(raise_request_exception=False)
    client.force_login(agent)
    return client


@pytest.mark.django_db
def test_a_database_error_answers_a_plain_503_page(agent):
    CitizenFactory(last_name="Okafor")
    client = _signed_in(agent)
    with citizens_table_fails(_locked):
        response = client.get("/citizens/", {"q": "Okafor"})
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Sorry, the service is too busy to answer" in page
    assert MESSAGE in page
    assert "Nothing you saved before this message appeared has been lost" in page


@pytest.mark.django_db
def test_an_htmx_panel_gets_the_message_as_a_fragment(agent):
    client = _signed_in(agent)
    with citizens_table_fails(_locked):
        response = client.get("/citizens/", {"q": "Okafor"}, headers={"HX-Request": "true"})
    assert response.status_code == 503
    page = response.content.decode()
    assert MESSAGE in page
    assert "<html" not in page  # swapped into the panel (htmx_config swaps 503s), not a page


def test_htmx_swaps_a_503_so_the_panel_explains_itself():
    config = (ROOT / "templates/includes/htmx_config.html").read_text()
    assert '{"code": "503", "swap": true, "error": false}' in config
    # Before the catch-all for 4xx/5xx, or it would never be reached.
    assert config.index('"503"') < config.index('"[45].."')


@pytest.mark.django_db
def test_other_faults_are_still_a_500(agent):
    def broken(cursor):
        raise ValueError("a bug, not the database")

    client = _signed_in(agent)
    with citizens_table_fails(broken):
        response = client.get("/citizens/", {"q": "Okafor"})
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


@pytest.mark.django_db
def test_health_answers_503_when_the_database_does_not(client):
    def fail(execute, sql, params, many, context):
        raise OperationalError("connection refused")

    with connection.execute_wrapper(fail):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "database unavailable"}
    assert response["Retry-After"] == "30"


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL's statement_timeout")
@pytest.mark.django_db(transaction=True)
def test_a_query_past_the_statement_timeout_is_cancelled_and_explained(agent):
    """The real thing: PostgreSQL cancels a slow query and the agent gets the 503 page."""

    def slow(cursor):
        cursor.execute("SELECT pg_sleep(5)")

    CitizenFactory(last_name="Okafor")
    client = _signed_in(agent)
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 200")
    try:
        with citizens_table_fails(slow):
            response = client.get("/citizens/", {"q": "Okafor"})
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
    assert response.status_code == 503
    assert MESSAGE in response.content.decode()


def _statement_timeout(code_before: str, **env) -> str:
    """What `SHOW statement_timeout` gives a fresh process set up as `code_before` sets it up."""
    script = (
        "import os, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        f"{code_before}\n"
        "import django\n"
        "django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('SHOW statement_timeout')\n"
        "    print(cursor.fetchone()[0])\n"
    )
    return fresh_process(script, env=env, unset=["CRM_PROCESS"])


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL's statement_timeout")
def test_web_processes_get_the_statement_timeout_and_workers_do_not():
    # SHOW needs no tables: the server's own maintenance database will do.
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    database = {"DATABASE_URL": url}
    # gunicorn loads config.wsgi: the web process
    assert _statement_timeout("import config.wsgi", **database) == "30s"
    assert (
        _statement_timeout("import config.wsgi", WEB_STATEMENT_TIMEOUT="12.5", **database)
        == "12500ms"
    )
    # Celery workers and management commands (imports, the register review) are never cut short
    assert _statement_timeout("", **database) == "0"
    assert _statement_timeout("import config.wsgi", WEB_STATEMENT_TIMEOUT="0", **database) == "0"
