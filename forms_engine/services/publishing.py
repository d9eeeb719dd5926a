"""Publishing freezes a form's working copy into a numbered, immutable version after the
checks pass; rolling back copies an earlier version into the working copy and publishes it as a
new version (drafts pinned to the versions in between keep theirs)."""

from django.db import transaction
from django.db.models import Max

from audit.services import audit_record
from forms_engine.checks import form_problems
from forms_engine.definition import FIELD_ATTRS, snapshot_build
from forms_engine.models import (
    Form,
    FormField,
    FormPage,
    FormRule,
    FormVersion,
    RuleAction,
    RuleCondition,
)


class PublishRefused(Exception):
    """The form has problems that would break it for the people filling it in."""

    def __init__(self, problems):
        super().__init__("; ".join(problems))
        self.problems = problems


def _process_exists(code: str) -> bool:
    from requests_tracking.models import Process

    return Process.objects.filter(code=code, is_current=True, active=True).exists()


def _service_area_exists(slug: str) -> bool:
    from organisation.models import ServiceArea

    return ServiceArea.objects.filter(slug=slug).exists()


def publish_problems(form: Form, snapshot: dict | None = None) -> list[str]:
    snapshot = snapshot if snapshot is not None else snapshot_build(form)
    problems = form_problems(
        snapshot, process_exists=_process_exists, service_area_exists=_service_area_exists
    )
    if form.process_code and not _process_exists(form.process_code):
        problems.append(
            f"The form starts process “{form.process_code}”, but no process in use has that "
            "code. Check the code in Processes."
        )
    return problems


@transaction.atomic
def form_publish(*, actor, form: Form, note: str = "") -> FormVersion:
    given = form
    form = Form.objects.select_for_update().get(pk=form.pk)
    snapshot = snapshot_build(form)
    problems = publish_problems(form, snapshot)
    if problems:
        raise PublishRefused(problems)
    number = (FormVersion.objects.filter(form=form).aggregate(n=Max("number"))["n"] or 0) + 1
    version = FormVersion.objects.create(
        form=form, number=number, snapshot=snapshot, note=note[:300], published_by=actor
    )
    form.current_version = version
    form.save(update_fields=["current_version", "updated_at"])
    given.current_version = version
    audit_record(
        actor=actor, action="change", obj=form, detail={"change": "published", "version": number}
    )
    return version


def working_copy_restore(*, form: Form, snapshot: dict) -> None:
    """Replace the form's pages, fields and rules by those in `snapshot`."""
    FormRule.objects.filter(form=form).delete()
    FormPage.objects.filter(form=form).delete()
    meta = snapshot.get("form", {})
    for name in ("name", "description", "process_code", "confirmation_text"):
        if name in meta:
            setattr(form, name, meta[name])
    if meta.get("service_area_id"):
        form.service_area_id = meta["service_area_id"]
    form.save()
    for page_order, page in enumerate(snapshot.get("pages", []), start=1):
        page_row = FormPage.objects.create(
            form=form,
            order=page_order,
            key=page["key"],
            title=page.get("title", ""),
            intro=page.get("intro", ""),
        )
        for field_order, data in enumerate(page.get("fields", []), start=1):
            parent = _field_create(page_row, data, field_order)
            for child_order, child in enumerate(data.get("children", []), start=1):
                _field_create(page_row, child, child_order, parent=parent)
    for rule_order, rule in enumerate(snapshot.get("rules", []), start=1):
        rule_row = FormRule.objects.create(form=form, order=rule_order, name=rule.get("name", ""))
        RuleCondition.objects.bulk_create(
            RuleCondition(
                rule=rule_row,
                group=c.get("group") or 1,
                field_key=c["field"],
                operator=c["operator"],
                value=c.get("value", ""),
            )
            for c in rule.get("conditions", [])
        )
        RuleAction.objects.bulk_create(
            RuleAction(
                rule=rule_row,
                kind=a["kind"],
                target_field=a.get("field", ""),
                target_page=a.get("page", ""),
                value=a.get("value", ""),
                message=a.get("message", ""),
            )
            for a in rule.get("actions", [])
        )


def _field_create(page_row, data, order, parent=None):
    values = {name: data[name] for name in FIELD_ATTRS if name in data}
    for name, value in list(values.items()):
        if value is None and name in ("hint", "options", "content", "prefill", "default"):
            values[name] = ""
    return FormField.objects.create(page=page_row, parent=parent, order=order, **values)


@transaction.atomic
def form_rollback(*, actor, form: Form, version: FormVersion) -> FormVersion:
    """Make an earlier version current again, as a new version with the same content."""
    if version.form_id != form.pk:
        raise ValueError("That version belongs to another form.")
    working_copy_restore(form=form, snapshot=version.snapshot)
    new = form_publish(actor=actor, form=form, note=f"Rolled back to version {version.number}")
    audit_record(
        actor=actor,
        action="change",
        obj=form,
        detail={"change": "rolled back", "to_version": version.number, "as": new.number},
    )
    return new
