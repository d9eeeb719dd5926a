"""Saving a request's tracked fields and auditing each change."""

from audit.services import audit_record


def _save(request, *extra):
    fields = [
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
    request.save(update_fields=fields)


def _audit(actor, request, change, **detail):
    audit_record(
        actor=actor,
        action="change" if change != "created" else "create",
        obj=request,
        citizen=request.citizen,
        detail={"change": change, **detail},
    )
