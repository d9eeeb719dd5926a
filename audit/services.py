from audit.models import AuditEvent

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
    """Append one row to the audit trail (inside the caller's transaction)."""
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
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        citizen=citizen,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        contact_id=contact_id,
        detail=detail or {},
        ip_address=request.META.get("REMOTE_ADDR") if request is not None else None,
    )
