"""Writes of the integration app: client systems and their tokens, webhook subscriptions."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q

from accounts.tokens import api_token_create, api_tokens_access_set, api_tokens_revoke_for
from audit.models import AuditEvent
from audit.services import audit_record
from integration.access import client_system_scopes
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
    # A system has no service areas: it works every area's requests, as it always has (an
    # officer without areas works none).
    "requests_tracking.work_any_area",
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
    # Its tokens' scopes follow its access too (no token keeps a write it no longer has).
    api_tokens_access_set(
        owner=user, read_only=system.read_only, scopes=client_system_scopes(system)
    )


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
def client_system_token_issue(*, actor, system: ClientSystem, expires_at=None) -> str:
    """A new API token for the system (its earlier ones are revoked), with the system's scopes;
    the key is returned once and never shown again (only its hash is kept)."""
    api_tokens_revoke_for(actor=actor, owner=system.user)
    _token, key = api_token_create(
        actor=actor,
        owner=system.user,
        name=f"{system.name} (client system)",
        expires_at=expires_at,
        read_only=system.read_only,
        scopes=client_system_scopes(system),
    )
    audit_record(
        actor=actor, action=AuditEvent.Action.CHANGE, obj=system, detail={"token": "issued"}
    )
    return key


# --- bulk import ------------------------------------------------------------------------------


def import_upload(*, actor, source: str, name: str, chunks):
    """Store an uploaded file (streamed in chunks) privately and start its import record."""
    import hashlib
    import uuid
    from pathlib import Path

    from django.core.files.storage import default_storage

    from integration.imports import default_mapping, file_header
    from integration.models import ImportRun

    # The private storage (never served publicly), as a local folder so the file can be
    # streamed row by row by the worker.
    folder = Path(default_storage.path("imports"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.csv"
    digest = hashlib.sha256()
    with open(path, "wb") as out:
        for chunk in chunks:
            digest.update(chunk)
            out.write(chunk)
    run = ImportRun(
        source=source.strip()[:100],
        original_name=name[:255],
        file_path=str(path),
        file_sha256=digest.hexdigest(),
        created_by=actor,
    )
    try:
        run.mapping = default_mapping(file_header(path))
    except ValueError as exc:
        run.status, run.error = ImportRun.Status.FAILED, str(exc)
    run.save()
    return run


def import_start(*, actor, run, commit: bool) -> None:
    """Preview or import in the background (a Celery task; in-process without a broker)."""
    from integration.models import ImportRun
    from integration.tasks import import_process

    run.status = ImportRun.Status.IMPORTING if commit else ImportRun.Status.PREVIEWING
    run.rows_done = 0
    run.save(update_fields=["status", "rows_done"])
    transaction.on_commit(lambda: import_process.delay(run.pk, commit))


@transaction.atomic
def import_undo(*, actor, run) -> list[str]:
    """Withdraw every citizen the import created; returns the refusals (nothing done) if any."""
    from django.utils import timezone

    from citizens.models import Citizen
    from citizens.services import citizen_withdraw
    from integration.imports import undo_refusals
    from integration.models import ImportRun

    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if run.status != ImportRun.Status.IMPORTED:
        return [f"Only a finished import can be undone (this one is {run.get_status_display()})."]
    refusals = undo_refusals(run)
    if refusals:
        return refusals
    ids = run.rows.filter(created=True).values_list("citizen_id", flat=True)
    for citizen in Citizen.objects.filter(pk__in=list(ids)):
        citizen_withdraw(actor=actor, citizen=citizen, reason=f"Import {run.pk} undone")
    run.status = ImportRun.Status.UNDONE
    run.undone_at = timezone.now()
    run.undone_by = actor
    run.save(update_fields=["status", "undone_at", "undone_by"])
    audit_record(actor=actor, action=AuditEvent.Action.CHANGE, obj=run, detail={"undone": True})
    return []
