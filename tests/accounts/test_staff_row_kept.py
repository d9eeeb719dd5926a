"""The signed-in member of staff's own row is kept in each process between requests
(accounts.backends.StaffModelBackend.get_user, core.refcache, #19): a page does not read it,
and any change to it is seen on the very next page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _staff_reads(client, url="/citizens/"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    reads = [
        q
        for q in queries.captured_queries
        if 'FROM "accounts_staff"' in q["sql"] and q["sql"].lstrip().startswith("SELECT")
    ]
    return response, reads


def test_a_page_reads_the_staff_row_once_then_keeps_it(agent_client):
    first, reads = _staff_reads(agent_client)
    assert first.status_code == 200
    assert len(reads) == 1
    second, reads = _staff_reads(agent_client)
    assert second.status_code == 200
    assert reads == []


def test_a_changed_name_shows_on_the_next_page(agent_client, agent):
    agent_client.get("/citizens/")
    agent.first_name = "Renamed"
    agent.save()
    response, reads = _staff_reads(agent_client)
    assert len(reads) == 1
    assert "Renamed" in response.content.decode()


def test_made_inactive_is_signed_out_on_the_next_page(agent_client, agent):
    assert agent_client.get("/citizens/").status_code == 200
    agent.is_active = False
    agent.save()
    response = agent_client.get("/citizens/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_changed_password_ends_other_sessions_on_the_next_page(agent_client, agent):
    assert agent_client.get("/citizens/").status_code == 200
    agent.set_password("an entirely new passphrase 42")
    agent.save()
    response = agent_client.get("/citizens/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_each_request_gets_its_own_user_object(agent_client, agent):
    """Permissions are cached on the user object: a shared one would keep them past a change."""
    from accounts.backends import StaffModelBackend

    backend = StaffModelBackend()
    one, two = backend.get_user(agent.pk), backend.get_user(agent.pk)
    assert one == two
    assert one is not two
    assert one.get_session_auth_hash() == agent.get_session_auth_hash()


def test_a_committed_change_to_a_staff_row_tells_every_process(
    agent, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from core.refcache import GENERATION_KEY, generation

    before = generation()
    with django_capture_on_commit_callbacks(execute=True):
        agent.last_name = "Changed"
        agent.save()
    assert cache.get(GENERATION_KEY) not in (None, before)
