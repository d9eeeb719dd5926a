"""Writes of the integration app: client systems and their tokens, webhook subscriptions."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q

from audit.models import AuditEvent
from audit.services import audit_record
from integration.models import ClientSystem

READ_PERMISSIONS = [
    "citizens.view_citizen",
    "citizens.view_note",
    "contacts.view_contact",
    "requests_tracking.view_request",
    "timeline.view_entry",
]
WRITE_PERMISSIONS = [
    *READ_PERMISSIONS,
    "citizens.add_citizen",
    "citizens.change_citizen",
    "citizens.add_note",
    "contacts.add_contact",
    "requests_tracking.add_request",
    "requests_tracking.change_request",
    "requests_tracking.work_request",
    "requests_tracking.add_requestnote",
]


def _permissions(codes):
    query = Q(pk__in=[])
    for code in codes:
        app_label, codename = code.split(".", 1)
        query |= Q(content_type__app_label=app_label, codename=codename)
    return Permission.objects.filter(query)


def _user_sync(system: ClientSystem) -> None:
    user = system.user
    user.first_name = system.name[:150]
    user.last_name = "(client system)"
    user.is_active = system.active
    user.save(update_fields=["first_name", "last_name", "is_active"])
    codes = READ_PERMISSIONS if system.read_only else WRITE_PERMISSIONS
    user.user_permissions.set(_permissions(codes))


@transaction.atomic
def client_system_save(*, actor, system: ClientSystem) -> ClientSystem:
    """Create or update a client system and its API user (permissions follow its access)."""
    creating = system.pk is None
    if creating:
        user = get_user_model().objects.create(username=f"system-{system.slug}"[:150])
        user.set_unusable_password()
        user.save(update_fields=["password"])
        system.user = user
    system.save()
    _user_sync(system)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE if creating else AuditEvent.Action.CHANGE,
        obj=system,
        detail={"access": system.access, "kinds": system.service_account_kinds},
    )
    return system


@transaction.atomic
def client_system_token_issue(*, actor, system: ClientSystem) -> str:
    """A new API token for the system; the key is returned once and never shown again."""
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user=system.user).delete()
    token = Token.objects.create(user=system.user)
    audit_record(
        actor=actor, action=AuditEvent.Action.CHANGE, obj=system, detail={"token": "issued"}
    )
    return token.key
