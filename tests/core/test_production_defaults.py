"""Production defaults that hold under load (#19): HTML never compressed (BREACH), database
connections persistent under gunicorn and not under runserver, gunicorn's settings file."""

from pathlib import Path

import pytest
from django.conf import settings

from tests.processes import fresh_process

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/citizens/?q=smith", "/requests/?q=smith"])
def test_html_pages_are_not_compressed(agent_client, path):
    """Pages reflect what was searched for next to personal data: compressing them would let
    an attacker who can inject text and watch sizes read the page byte by byte (BREACH)."""
    response = agent_client.get(path, HTTP_ACCEPT_ENCODING="gzip, deflate, br, zstd")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Encoding" not in response
    assert not any("gzip" in m.lower() for m in settings.MIDDLEWARE)


def _database_settings(argv0, *, conn_max_age=None):
    env = {"DATABASE_URL": "postgres://crm@db.invalid:5432/crm"}
    if conn_max_age is not None:
        env["CONN_MAX_AGE"] = conn_max_age
    code = (
        f"import sys; sys.argv = ['manage.py', {argv0!r}];"
        "from django.conf import settings;"
        "d = settings.DATABASES['default'];"
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    unset = ["CONN_MAX_AGE"] if conn_max_age is None else []
    out = fresh_process(code, env=env, unset=unset).split()
    return int(out[0]), out[1] == "True"


def test_connections_persist_and_are_checked_under_gunicorn():
    assert _database_settings("check") == (600, True)
    assert _database_settings("check", conn_max_age="30") == (30, True)


def test_runserver_does_not_keep_connections_open():
    """runserver serves each browser connection on its own thread: a persistent connection per
    thread would leave dozens of idle PostgreSQL connections behind."""
    assert _database_settings("runserver") == (0, True)
    assert _database_settings("runserver", conn_max_age="600") == (0, True)


def test_gunicorn_settings_file():
    values = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), values)  # noqa: S102 - our own settings file
    assert values["timeout"] <= 60  # nothing hangs past it
    assert values["worker_class"] in ("sync", "gthread")
    assert values["workers"] >= 2
    readme = (ROOT / "README.md").read_text()
    assert "gunicorn -c gunicorn.conf.py config.wsgi" in readme
