import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import ACTIVE_CONTACT_SESSION_KEY, audit_record
from tests.factories import StaffFactory
from tests.timeline import builders as make

pytestmark = pytest.mark.django_db


def event(**kwargs):
    return audit_record(action=kwargs.pop("action", AuditEvent.Action.VIEW), **kwargs)


def test_the_trail_cannot_be_changed_or_deleted_through_the_app():
    row = event(actor=StaffFactory(), obj=make.citizen())
    row.object_repr = "edited"
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=row.pk).update(object_repr="edited")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=row.pk).object_repr != "edited"


def test_the_admin_shows_the_trail_but_cannot_add_change_or_delete(admin_client_):
    row = event(actor=StaffFactory(), obj=make.citizen())
    base = "/admin/audit/auditevent/"
    assert admin_client_.get(base).status_code == 200
    assert admin_client_.get(f"{base}{row.pk}/change/").status_code == 200  # read-only view
    response = admin_client_.post(f"{base}{row.pk}/change/", {"object_repr": "edited"})
    assert response.status_code == 403
    assert admin_client_.post(f"{base}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client_.get(f"{base}add/").status_code == 403
    response = admin_client_.post(
        base, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}
    )
    assert AuditEvent.objects.filter(pk=row.pk, object_repr=row.object_repr).exists()
    assert "delete_selected" not in admin_client_.get(base).content.decode()


def test_viewing_a_citizen_record_is_audited_with_the_open_contact(agent_client, agent):
    person = make.citizen()
    session = agent_client.session
    session[ACTIVE_CONTACT_SESSION_KEY] = 4321
    session.save()
    agent_client.get(reverse("citizens:detail", kwargs={"pk": person.pk}))
    row = AuditEvent.objects.get(citizen=person, action=AuditEvent.Action.VIEW)
    assert row.actor == agent
    assert row.object_type == "citizens.citizen"
    assert row.contact_id in (4321, None)  # contacts may override the session's contact


def test_a_search_is_audited_with_its_query(agent_client, agent):
    agent_client.get(reverse("citizens:search"), {"q": "Smith SW1A"})
    row = AuditEvent.objects.get(action=AuditEvent.Action.SEARCH)
    assert row.actor == agent
    assert row.detail["q"] == "Smith SW1A"


@pytest.fixture
def trail(db):
    alice, bob = StaffFactory(first_name="Alice"), StaffFactory(first_name="Bob")
    one, two = make.citizen(), make.citizen()
    rows = {
        "alice_one": event(actor=alice, obj=one),
        "bob_two": event(actor=bob, obj=two, action=AuditEvent.Action.CHANGE),
        "bob_search": event(actor=bob, action=AuditEvent.Action.SEARCH, detail={"q": "jones"}),
    }
    return alice, bob, one, two, rows


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"actor": "BOB"}, {"bob_two", "bob_search"}),
        ({"citizen": "ONE"}, {"alice_one"}),
        ({"action": "search"}, {"bob_search"}),
        ({"q": "jones"}, {"bob_search"}),
        ({"actor": "BOB", "citizen": "TWO"}, {"bob_two"}),
        ({"since": "TODAY", "until": "TODAY", "actor": "BOB"}, {"bob_two", "bob_search"}),
        ({"until": "YESTERDAY"}, set()),
    ],
)
def test_team_leaders_filter_by_staff_citizen_action_and_date(
    trail, team_leader_client, params, expected
):
    alice, bob, one, two, rows = trail
    today = timezone.localdate()
    swap = {
        "BOB": str(bob.pk),
        "ONE": one.reference.lower(),
        "TWO": two.reference,
        "TODAY": today.strftime("%d/%m/%Y"),
        "YESTERDAY": (today - datetime.timedelta(days=1)).strftime("%d/%m/%Y"),
    }
    response = team_leader_client.get(
        reverse("audit:list"), {k: swap.get(v, v) for k, v in params.items()}
    )
    assert response.status_code == 200
    shown = {row.pk for row in response.context["page"]}
    assert shown == {rows[name].pk for name in expected}


def test_bad_audit_filters_are_explained(team_leader_client):
    response = team_leader_client.get(
        reverse("audit:list"), {"since": "31/2/2026", "actor": "x", "until": "1/1/2026"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert "Enter the ‘from’ date as day/month/year" in content
    assert "Choose a member of staff from the list" in content


def test_agents_cannot_see_the_audit_trail(agent_client):
    assert agent_client.get(reverse("audit:list")).status_code == 403
