"""Timeline entries for online forms: a draft saved (one entry per draft, kept up to date with
the page reached) and a form sent (with the request it started)."""

from django.utils import timezone

from timeline.models import ActorType, Kind
from timeline.services import EntryData, entry_write
from timeline.sources import Source, link_to, register

SUBMISSION = "forms_engine.submission"


def _name(submission, form_name=None):
    return form_name or submission.version.snapshot.get("form", {}).get("name", "Form")


def draft_entry(submission, *, form_name=None, page_title="", actor_id=None):
    where = f" at “{page_title}”" if page_title else ""
    by_resident = actor_id is None and submission.last_saved_by_id is None
    return EntryData(
        key=f"{SUBMISSION}:{submission.pk}:draft",
        citizen_id=submission.citizen_id,
        kind=Kind.FORM_DRAFT_SAVED,
        occurred_at=submission.last_saved_at or timezone.now(),
        summary=f"{_name(submission, form_name)}: draft saved{where}"
        + (" by the citizen online" if by_resident else ""),
        actor_id=actor_id if actor_id is not None else submission.last_saved_by_id,
        actor_type=ActorType.CITIZEN if by_resident else ActorType.STAFF,
        service_area_id=submission.form.service_area_id,
        source_type=SUBMISSION,
        source_id=str(submission.pk),
        detail={"page": submission.current_page},
    )


def submitted_entry(submission, *, form_name=None, request=None):
    request_ref = request.reference if request is not None else ""
    if request is None and submission.request_id:
        request_ref = submission.request.reference
    summary = f"{_name(submission, form_name)} sent – {submission.reference}"
    if request_ref:
        summary += f" – started request {request_ref}"
    by_resident = submission.submitted_by_id is None
    return EntryData(
        key=f"{SUBMISSION}:{submission.pk}:submitted",
        citizen_id=submission.citizen_id,
        kind=Kind.FORM_SUBMITTED,
        occurred_at=submission.submitted_at or timezone.now(),
        summary=summary,
        actor_id=submission.submitted_by_id,
        actor_type=ActorType.CITIZEN if by_resident else ActorType.STAFF,
        service_area_id=submission.form.service_area_id,
        source_type=SUBMISSION,
        source_id=str(submission.pk),
        detail={"reference": submission.reference, "request": request_ref},
    )


def on_draft_saved(sender, instance, actor=None, page_title="", form_name=None, **kwargs):
    if instance.citizen_id:
        entry_write(
            data=draft_entry(
                instance,
                form_name=form_name,
                page_title=page_title,
                actor_id=getattr(actor, "pk", None),
            )
        )


def on_submitted(sender, instance, actor=None, request=None, form_name=None, **kwargs):
    if instance.citizen_id:
        entry_write(data=submitted_entry(instance, form_name=form_name, request=request))


def on_linked(sender, instance, citizen=None, **kwargs):
    if instance.citizen_id and not instance.is_draft:
        entry_write(data=submitted_entry(instance))


def connect() -> None:
    from forms_engine import signals as s

    s.form_draft_saved.connect(on_draft_saved, dispatch_uid="timeline_form_draft_saved")
    s.form_submitted.connect(on_submitted, dispatch_uid="timeline_form_submitted")
    s.form_submission_linked.connect(on_linked, dispatch_uid="timeline_form_linked")


def history(citizen_ids):
    from forms_engine.models import Submission

    rows = Submission.objects.filter(citizen__isnull=False).select_related(
        "form", "version", "request"
    )
    if citizen_ids is not None:
        rows = rows.filter(citizen_id__in=citizen_ids)
    for submission in rows.order_by("pk").iterator(chunk_size=500):
        if submission.is_draft:
            yield draft_entry(submission)
        else:
            yield submitted_entry(submission)


register(
    Source(
        name="forms",
        connect=connect,
        history=history,
        links={SUBMISSION: link_to("forms_engine:submission")},
    )
)
