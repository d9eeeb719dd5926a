from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit.models import AuditEvent, SubjectAccessRequest, one_calendar_month_after
from audit.subjects import citizen_of
from core.actors import actor_of

# Set by contacts when a member of staff has an open contact, so audit rows can say which one.
ACTIVE_CONTACT_SESSION_KEY = "active_contact_id"


def audit_record(
    *,
    actor,
    action: str,
    obj=None,
    citizen=None,
    detail: dict | None = None,
    request=None,
    contact_id: int | None = None,
) -> AuditEvent:
    """Append one row to the audit trail (inside the caller's transaction).

    `actor`: a member of staff (a `Staff`, as always), `None` for the system, or a
    `core.actors.Actor` (the citizen, a client system…). `action`: an `AuditEvent.Action`
    (a plain string of one of its values is accepted; anything else is refused).
    """
    who = actor_of(actor)
    action = AuditEvent.Action(action)
    if request is not None and contact_id is None:
        contact_id = request.session.get(ACTIVE_CONTACT_SESSION_KEY)
    object_type = object_id = object_repr = ""
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = str(obj.pk)
        object_repr = str(obj)[:200]
    if citizen is None and obj is not None and obj._meta.label_lower == "citizens.citizen":
        citizen = obj
    return AuditEvent.objects.create(
        actor=who.user,
        actor_kind=who.kind,
        actor_label=who.label[:200],
        action=action,
        citizen=citizen,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        contact_id=contact_id,
        detail=detail or {},
        ip_address=request.META.get("REMOTE_ADDR") if request is not None else None,
    )


def audit_view(*, request, obj, citizen=None, detail: dict | None = None) -> AuditEvent | None:
    """A member of staff was shown `obj`, something of a citizen's (the citizen found from the
    object when not given). Reads only: a POST's change is audited by the service it calls."""
    if request.method not in ("GET", "HEAD"):
        return None
    return audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        obj=obj,
        citizen=citizen if citizen is not None else citizen_of(obj),
        detail=detail,
        request=request,
    )


def audit_record_many(*, actor, action: str, objs, detail: dict | None = None) -> int:
    """One audit row per object, written in one statement (bulk writes such as imports)."""
    who = actor_of(actor)
    rows = [
        AuditEvent(
            actor=who.user,
            actor_kind=who.kind,
            actor_label=who.label[:200],
            action=AuditEvent.Action(action),
            citizen=obj if obj._meta.label_lower == "citizens.citizen" else None,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            detail=detail or {},
        )
        for obj in objs
    ]
    AuditEvent.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


@transaction.atomic
def subject_access_request_log(
    *, actor, citizen, received_on, requested_by: str, identity_checked=False, notes=""
) -> SubjectAccessRequest:
    """Log a subject access request with its legal due date (one calendar month, ICO rule)."""
    sar = SubjectAccessRequest.objects.create(
        citizen=citizen,
        received_on=received_on,
        due_on=one_calendar_month_after(received_on),
        requested_by=requested_by,
        identity_checked=identity_checked,
        notes=notes,
        logged_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=sar,
        citizen=citizen,
        detail={"due_on": sar.due_on.isoformat()},
    )
    return sar


@transaction.atomic
def subject_access_export(*, actor, sar, request=None) -> tuple[bytes, str]:
    """Build the bundle for a logged request, record who exported it, and audit it."""
    from audit.subject_access.bundle import bundle_build

    content, filename = bundle_build(citizen=sar.citizen, sar=sar)
    SubjectAccessRequest.objects.filter(pk=sar.pk).update(
        status=SubjectAccessRequest.Status.EXPORTED
        if sar.status == SubjectAccessRequest.Status.OPEN
        else sar.status,
        exported_at=timezone.now(),
        exported_by=actor,
        export_count=F("export_count") + 1,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        obj=sar,
        citizen=sar.citizen,
        request=request,
        detail={"what": "subject access bundle", "file": filename, "bytes": len(content)},
    )
    sar.refresh_from_db()
    return content, filename


@transaction.atomic
def subject_access_request_close(*, actor, sar) -> SubjectAccessRequest:
    sar.status = SubjectAccessRequest.Status.CLOSED
    sar.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        obj=sar,
        citizen=sar.citizen,
        detail={"status": "closed"},
    )
    return sar
