"""Saving a request's tracked fields and auditing each change."""

from audit.services import audit_record


def request_save(service_request, *extra):
    """Save a transition's changes; the caller holds the row lock, so the version can count."""
    service_request.version += 1
    fields = [
        "version",
        "current_stage",
        "current_visit",
        "status",
        "sla_state",
        "due_at",
        "overall_breached_at",
        "breached_at",
        "estimated_completion_at",
        "next_check_at",
        "waiting_since",
        "status_reason",
        "resolution",
        "resolved_at",
        "closed_at",
        "updated_at",
        *extra,
    ]
    service_request.save(update_fields=fields)


def request_audit(actor, service_request, change, **detail):
    audit_record(
        actor=actor,
        action="change" if change != "created" else "create",
        obj=service_request,
        citizen=service_request.citizen,
        detail={"change": change, **detail},
    )
