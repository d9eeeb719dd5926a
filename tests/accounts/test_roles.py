import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import Role

pytestmark = pytest.mark.django_db


def test_every_role_exists_as_a_group_with_permissions():
    for role in Role:
        group = Group.objects.get(name=role.value)
        assert group.permissions.exists(), role


def test_front_line_roles_cannot_merge_or_read_the_audit_trail():
    agent = Group.objects.get(name=Role.AGENT)
    codenames = set(agent.permissions.values_list("codename", flat=True))
    assert "view_auditevent" not in codenames
    assert "add_citizen" in codenames


def test_administrators_have_every_permission():
    from django.contrib.auth.models import Permission

    admin = Group.objects.get(name=Role.ADMINISTRATOR)
    assert admin.permissions.count() == Permission.objects.count()


@pytest.mark.parametrize(
    ("role_client", "expected"),
    [
        (Role.AGENT, 403),
        (Role.RECEPTION, 403),
        (Role.SERVICE_OFFICER, 403),
        (Role.TEAM_LEADER, 200),
        (Role.ADMINISTRATOR, 200),
    ],
    indirect=["role_client"],
)
def test_audit_trail_is_for_team_leaders_and_administrators(role_client, expected):
    assert role_client.get(reverse("audit:list")).status_code == expected


@pytest.mark.parametrize(
    ("role_client", "expected"),
    [
        (Role.AGENT, 302),
        (Role.TEAM_LEADER, 302),
        (Role.ADMINISTRATOR, 200),
    ],
    indirect=["role_client"],
)
def test_only_administrators_reach_django_admin(role_client, expected):
    assert role_client.get("/admin/").status_code == expected


@pytest.mark.parametrize("role_client", list(Role), indirect=True)
def test_every_role_reaches_the_home_page(role_client):
    response = role_client.get("/")
    assert response.status_code == 200
    assert role_client.user.role_label in response.content.decode()


def test_forbidden_page_is_styled_and_plain(agent_client):
    response = agent_client.get(reverse("audit:list"))
    assert response.status_code == 403
    assert "You do not have permission to see this page" in response.content.decode()
