"""One actor notion (core.actors) on the audit trail: staff, citizen, client system, system."""

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEvent
from audit.services import audit_record
from core.actors import Actor, ActorKind, actor_of
from integration.models import ClientSystem
from integration.services import client_system_save, client_system_token_issue

pytestmark = pytest.mark.django_db


def test_a_member_of_staff_is_still_given_as_the_user(agent):
    event = audit_record(actor=agent, action=AuditEvent.Action.VIEW)
    assert (event.actor, event.actor_kind, event.actor_label) == (agent, "staff", str(agent))
    assert event.actor_display == str(agent)


def test_no_actor_is_the_system():
    event = audit_record(actor=None, action="change")
    assert (event.actor, event.actor_kind) == (None, ActorKind.SYSTEM)
    assert event.actor_display == "System"


def test_the_citizen_is_named_without_a_user():
    event = audit_record(actor=Actor.citizen("Citizen (tracking link)"), action="view")
    assert (event.actor, event.actor_kind) == (None, ActorKind.CITIZEN)
    assert event.actor_display == "Citizen (tracking link)"


def test_an_action_outside_the_enum_is_refused(agent):
    with pytest.raises(ValueError, match="nonsense"):
        audit_record(actor=agent, action="nonsense")
    assert not AuditEvent.objects.exists()


def test_rows_from_before_actor_kinds_are_read_from_their_user(agent):
    AuditEvent.objects.create(actor=agent, action="view")  # as written before this change
    AuditEvent.objects.create(actor=None, action="view")
    kinds = sorted(e.actor_kind_effective for e in AuditEvent.objects.all())
    assert kinds == ["staff", "system"]


def test_actor_of_accepts_what_services_are_given(agent):
    assert actor_of(agent) == Actor.staff(agent)
    assert actor_of(None).kind == ActorKind.SYSTEM
    citizen = Actor.citizen()
    assert actor_of(citizen) is citizen


def test_a_client_system_writing_through_the_api_is_recorded_as_that_system(administrator):
    system = client_system_save(
        actor=administrator,
        system=ClientSystem(name="Council tax", slug="council-tax", access="read_write"),
    )
    client = APIClient()
    key = client_system_token_issue(actor=administrator, system=system)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post(
        "/api/v1/citizens/",
        {"first_name": "Rhys", "last_name": "Jones", "email": "rhys@example.com"},
        format="json",
    )
    assert response.status_code == 201, response.content
    event = AuditEvent.objects.get(action="create", object_type="citizens.citizen")
    assert event.actor_kind == ActorKind.CLIENT
    assert event.actor_label == "Council tax"
    assert event.actor == system.user
