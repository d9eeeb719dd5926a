"""Sessions live in the cache and the database (core.sessions): a signed-in page reads no
session row while the cache is up, and still works, from the database, when it is not."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from tests.caches import UNREACHABLE

pytestmark = pytest.mark.django_db


def _session_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]]


def test_a_signed_in_page_reads_the_session_from_the_cache(agent_client):
    agent_client.get("/citizens/")
    assert _session_queries(agent_client, "/citizens/") == []


def test_a_signed_in_page_works_with_the_cache_unreachable(client, agent):
    with override_settings(CACHES=UNREACHABLE):
        client.force_login(agent)  # saved to the database; the cache copy fails quietly
        assert client.get("/citizens/").status_code == 200
        # Read from the database instead.
        assert len(_session_queries(client, "/citizens/")) == 1
        client.post("/accounts/sign-out/")  # deleting the cached copy fails quietly too
        assert client.get("/citizens/").status_code == 302


def test_signing_out_removes_the_cached_copy(client, agent):
    from django.core.cache import cache

    from core.sessions import KEY_PREFIX

    client.force_login(agent)
    key = client.session.session_key
    client.get("/citizens/")
    assert cache.get(KEY_PREFIX + key) is not None
    client.post("/accounts/sign-out/")
    assert cache.get(KEY_PREFIX + key) is None
    client.cookies["sessionid"] = key  # the old cookie opens nothing
    assert client.get("/citizens/").status_code == 302
