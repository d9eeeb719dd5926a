"""Roles and permissions are kept in each process between requests (core.refcache): a page
reads them from the database only after a change, and a change is seen on the next page."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role

pytestmark = pytest.mark.django_db


def _permission_queries(client, url="/citizens/"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, [q for q in queries.captured_queries if "auth_group" in q["sql"]]


def test_a_page_reads_roles_and_permissions_once_then_keeps_them(agent_client):
    agent_client.get("/citizens/")
    status, reads = _permission_queries(agent_client)
    assert status == 200
    assert reads == []


def test_taking_a_role_away_is_seen_on_the_next_page(agent_client, agent):
    assert agent_client.get("/citizens/").status_code == 200
    agent.groups.remove(Group.objects.get(name=Role.AGENT))
    status, reads = _permission_queries(agent_client)
    assert status == 403
    assert len(reads) == 1


def test_a_permission_taken_from_a_role_is_seen_on_the_next_page(agent_client):
    assert agent_client.get("/citizens/").status_code == 200
    role = Group.objects.get(name=Role.AGENT)
    role.permissions.remove(Permission.objects.get(codename="view_citizen"))
    assert agent_client.get("/citizens/").status_code == 403
    role.permissions.add(Permission.objects.get(codename="view_citizen"))
    assert agent_client.get("/citizens/").status_code == 200


def test_without_the_cache_permissions_come_from_the_database_every_time(client, agent):
    from django.test import override_settings

    from tests.caches import UNREACHABLE

    with override_settings(CACHES=UNREACHABLE):
        client.force_login(agent)
        client.get("/citizens/")
        status, reads = _permission_queries(client)
        assert status == 200
        assert len(reads) == 1


def test_a_committed_change_tells_every_process(agent, django_capture_on_commit_callbacks):
    from core.refcache import GENERATION_KEY, generation

    before = generation()
    with django_capture_on_commit_callbacks(execute=True):
        agent.groups.clear()
    from django.core.cache import cache

    assert cache.get(GENERATION_KEY) not in (None, before)


def test_a_select_keeps_its_reference_list_until_an_administrator_changes_it(agent_client):
    from organisation.models import ServiceArea
    from tests.factories.citizens import CitizenFactory

    area = ServiceArea.objects.create(name="Waste and recycling", slug="waste")
    url = f"/citizens/{CitizenFactory().pk}/notes/new/"
    assert "Waste and recycling" in agent_client.get(url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        agent_client.get(url)
    assert not [q for q in queries.captured_queries if "organisation_servicearea" in q["sql"]]

    area.name = "Bins and recycling"
    area.save()
    page = agent_client.get(url).content.decode()
    assert "Bins and recycling" in page
    assert "Waste and recycling" not in page
    area.delete()
    assert "Bins and recycling" not in agent_client.get(url).content.decode()
