"""Process versions: a copy that new requests use, while open requests keep their own."""

from django.db import transaction

from audit.services import audit_record
from requests_tracking.models import Process


@transaction.atomic
def process_new_version(*, actor, process: Process) -> Process:
    """Copy the process with its stages and actions as the next version, and make it current."""
    latest = Process.objects.filter(code=process.code).order_by("-version").first()
    Process.objects.filter(code=process.code, is_current=True).update(is_current=False)
    contact_types = list(process.contact_types.all())
    stages = list(process.stages.prefetch_related("actions"))
    new = Process.objects.get(pk=process.pk)
    new.pk = None
    new.version = latest.version + 1
    new.is_current = True
    new.save()
    new.contact_types.set(contact_types)
    for stage in stages:
        actions = list(stage.actions.all())
        stage.pk = None
        stage.process = new
        stage.save()
        for action in actions:
            action.pk = None
            action.stage = stage
            action.save()
    audit_record(actor=actor, action="create", obj=new, detail={"new_version_of": process.pk})
    return new
