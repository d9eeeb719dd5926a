"""Building a form from a plain description (the snapshot's shape) — for demo data, tests and
benchmarks; administrators use the admin builder."""

from django.db import transaction

from forms_engine.models import Form, Portal
from forms_engine.services.publishing import form_publish, working_copy_restore


@transaction.atomic
def form_create_from_spec(*, actor, spec: dict, publish: bool = True) -> Form:
    """spec: name, slug, service_area (a ServiceArea), portals (slugs), process_code,
    description, confirmation_text, draft_retention_days, pages, rules (snapshot shape)."""
    form, _ = Form.objects.update_or_create(
        slug=spec["slug"],
        defaults={
            "name": spec["name"],
            "description": spec.get("description", ""),
            "service_area": spec["service_area"],
            "process_code": spec.get("process_code", ""),
            "confirmation_text": spec.get("confirmation_text", ""),
            "draft_retention_days": spec.get("draft_retention_days", 28),
            "submission_retention_days": spec.get("submission_retention_days", 365),
            "active": True,
        },
    )
    form.portals.set(Portal.objects.filter(slug__in=spec.get("portals", ["citizen"])))
    working_copy_restore(
        form=form,
        snapshot={
            "form": {
                "name": form.name,
                "description": form.description,
                "process_code": form.process_code,
                "confirmation_text": form.confirmation_text,
            },
            "pages": spec.get("pages", []),
            "rules": spec.get("rules", []),
        },
    )
    if publish:
        form_publish(actor=actor, form=form, note=spec.get("note", ""))
        form.refresh_from_db()
    return form
