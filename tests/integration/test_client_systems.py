"""Client systems: scoped tokens (read-only, IP allow-list, switched off), per-system rate
limits with 429 and Retry-After, and writes recorded as made by the system."""

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEvent
from citizens.models import Citizen
from integration.models import Change, ClientSystem
from integration.services import client_system_save, client_system_token_issue

pytestmark = pytest.mark.django_db

NEW_CITIZEN = {"first_name": "Rhys", "last_name": "Jones", "email": "rhys@example.com"}


@pytest.fixture
def make_system(administrator):
    def make(**fields):
        fields.setdefault("name", "Council tax")
        fields.setdefault("slug", "council-tax")
        system = client_system_save(actor=administrator, system=ClientSystem(**fields))
        client = APIClient()
        key = client_system_token_issue(actor=administrator, system=system)
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return system, client

    return make


def test_read_write_system_writes_and_is_recorded_as_the_actor(make_system):
    system, client = make_system(access="read_write")
    response = client.post("/api/v1/citizens/", NEW_CITIZEN, format="json")
    assert response.status_code == 201, response.content
    citizen = Citizen.objects.get(pk=response.json()["id"])
    assert citizen.created_by == system.user
    assert AuditEvent.objects.filter(actor=system.user, action="create").exists()
    change = Change.objects.get(event="citizen.created")
    assert change.actor == system.user
    assert str(system.user) == "Council tax (client system)"


def test_read_only_system_reads_but_cannot_write(make_system):
    _, client = make_system(access="read_only")
    assert client.get("/api/v1/changes/").status_code == 200
    response = client.post("/api/v1/citizens/", NEW_CITIZEN, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "Council tax has read-only access."}
    assert not Citizen.objects.exists()


def test_a_switched_off_system_gets_401(make_system, administrator):
    system, client = make_system()
    system.active = False
    client_system_save(actor=administrator, system=system)
    assert client.get("/api/v1/changes/").status_code == 401


def test_a_replaced_token_gets_401(make_system, administrator):
    system, client = make_system()
    client_system_token_issue(actor=administrator, system=system)
    assert client.get("/api/v1/changes/").status_code == 401


def test_ip_allow_list(make_system):
    _, client = make_system(ip_allow_list="203.0.113.0/24\n198.51.100.7")
    assert client.get("/api/v1/changes/", REMOTE_ADDR="203.0.113.9").status_code == 200
    assert client.get("/api/v1/changes/", REMOTE_ADDR="198.51.100.7").status_code == 200
    refused = client.get("/api/v1/changes/", REMOTE_ADDR="192.0.2.1")
    assert refused.status_code == 403
    assert "not accepted from this address" in refused.json()["detail"]


def test_rate_limit_per_system_across_its_tokens_gives_429_with_retry_after(make_system, settings):
    from django.core.cache import cache

    cache.clear()
    _, client = make_system(rate_limit_per_minute=3)
    for _ in range(3):
        assert client.get("/api/v1/changes/").status_code == 200
    limited = client.get("/api/v1/changes/")
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 120  # a sliding window: up to two
    assert "3 requests a minute" in limited.json()["detail"]


def test_staff_tokens_are_not_limited_by_client_system_rules(administrator):
    from tests.factories.accounts import api_token_for

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(administrator)}")
    assert client.post("/api/v1/citizens/", NEW_CITIZEN, format="json").status_code == 201


def test_admin_issues_a_token_shown_once(admin_client_, make_system):
    system, _ = make_system()
    response = admin_client_.post(
        "/admin/integration/clientsystem/",
        {"action": "issue_token", "_selected_action": [system.pk]},
        follow=True,
    )
    assert "shown only now" in response.content.decode()
