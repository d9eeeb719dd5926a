"""Filling in: starting a draft, saving a page (files included), submitting exactly once, and
linking a resident's submission to a citizen by hand."""

import uuid
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from core.sequences import sequence_next
from forms_engine.definition import definition_for
from forms_engine.filling import CHECK, answer_rows, missing_required, next_after
from forms_engine.logic import evaluate, visible_answers
from forms_engine.matching import citizen_for_applicant
from forms_engine.models import Form, ResumeToken, Submission, SubmissionFile
from forms_engine.prefill import prefill_answers
from forms_engine.reference import online_form_channel
from forms_engine.signals import form_draft_saved, form_submission_linked, form_submitted


class SubmissionRefused(Exception):
    """The form cannot be sent as it is; `problems` say why in plain words."""

    def __init__(self, problems, *, page=None):
        super().__init__("; ".join(problems))
        self.problems = problems
        self.page = page


def _staff(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def submission_start(
    *, actor, form: Form, via: str, citizen=None, contact=None, now=None
) -> Submission:
    """A new draft on the form's current version (prefilled from the record for staff)."""
    now = now or timezone.now()
    version = form.current_version
    if version is None or not form.active:
        raise ValidationError("This form is not available at the moment.")
    definition = definition_for(version)
    staff = _staff(actor)
    answers = prefill_answers(definition, citizen=citizen if staff else None)
    state = evaluate(definition, answers)
    channel = contact.channel if contact is not None else None
    if via == Submission.Via.PUBLIC:
        channel = online_form_channel()
    submission = Submission.objects.create(
        form=form,
        version=version,
        via=via,
        citizen=citizen,
        answers=answers,
        current_page=state.route[0] if state.route else CHECK,
        started_by=staff,
        last_saved_by=staff,
        last_saved_at=now,
        channel=channel,
        contact=contact,
        expires_at=now + timedelta(days=form.draft_retention_days),
    )
    audit_record(
        actor=staff,
        action="create",
        obj=submission,
        citizen=citizen,
        detail={"form": form.slug, "version": version.number, "via": via},
    )
    return submission


def _store_files(submission, fd, raw):
    """Keep the files still ticked, store the new ones; returns the field's file ids."""
    current = set(submission.answers.get(fd.key) or [])
    keep = [i for i in raw.get("existing", []) if i in current]
    dropped = current - set(keep)
    if dropped:
        for row in SubmissionFile.objects.filter(submission=submission, pk__in=dropped):
            row.file.delete(save=False)
            row.delete()
    ids = list(keep)
    for upload in raw.get("new", []):
        stored = f"{uuid.uuid4().hex}.{upload.stored_ext}"
        row = SubmissionFile(
            submission=submission,
            field_key=fd.key,
            stored_name=stored,
            original_name=upload.safe_name,
            content_type=upload.detected_type,
            size=upload.size,
        )
        row.file.save(stored, upload, save=False)
        row.save()
        ids.append(row.pk)
    return ids


@transaction.atomic
def submission_save_page(
    *, actor, submission: Submission, page, result, complete: bool = True, stay=False, now=None
) -> Submission:
    """Store a page's answers (valid ones even when others on the page are wrong, so nothing
    typed correctly is lost) and, when the page is complete, move on to the next page — unless
    `stay` ("save and come back later"): the draft then reopens on this very page."""
    now = now or timezone.now()
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if not submission.is_draft:
        raise SubmissionRefused(["This form has been sent already."])
    definition = definition_for(submission.version)
    answers = dict(submission.answers)
    for fd in page.fields:
        if fd.key not in result.cleaned:
            continue
        value = result.cleaned[fd.key]
        if fd.kind == "file":
            value = _store_files(submission, fd, value) if value else []
            if value == [] and fd.key in answers:
                _store_files(submission, fd, {"existing": [], "new": []})
        if value in (None, "", [], {}):
            answers.pop(fd.key, None)
        else:
            answers[fd.key] = value
    state = evaluate(definition, answers)
    answers.update({k: v for k, v in state.values.items() if v is not None})
    submission.answers = answers
    done = list(submission.pages_done)
    if complete:
        if page.key not in done:
            done.append(page.key)
        order = {k: i for i, k in enumerate(state.route)}
        done.sort(key=lambda k: order.get(k, len(order)))
        submission.current_page = next_after(state, page.key)
    if stay:
        submission.current_page = page.key
    submission.pages_done = done
    staff = _staff(actor)
    submission.last_saved_at = now
    submission.last_saved_by = staff
    submission.expires_at = now + timedelta(days=submission.form.draft_retention_days)
    submission.save(
        update_fields=[
            "answers",
            "pages_done",
            "current_page",
            "last_saved_at",
            "last_saved_by",
            "expires_at",
        ]
    )
    form_draft_saved.send(
        sender=Submission,
        instance=submission,
        actor=staff,
        page=page.key,
        page_title=page.title,
        next_page=submission.current_page,
        form_name=definition.name,
    )
    return submission


def _applicant(definition, answers):
    """Name, email and mobile the resident gave in the form (the first of each kind)."""
    first = last = email = mobile = ""
    for fd in definition.answer_fields():
        value = answers.get(fd.key)
        if not value:
            continue
        if fd.kind == "name" and not last:
            first, last = value.get("first", ""), value.get("last", "")
        elif fd.kind == "email" and not email:
            email = value
        elif fd.kind == "phone" and not mobile and str(value).startswith("+447"):
            mobile = value
    return first, last, email, mobile


def _place(definition, answers):
    for fd in definition.answer_fields():
        value = answers.get(fd.key)
        if fd.kind == "address" and value:
            line = ", ".join(v for v in (value.get("line_1"), value.get("line_2")) if v)
            return {
                "address_line_1": line[:200],
                "postcode": value.get("postcode", ""),
                "uprn": value.get("uprn", ""),
            }
    for fd in definition.answer_fields():
        if fd.kind == "postcode" and answers.get(fd.key):
            return {"postcode": answers[fd.key]}
    return {}


def _description(definition, submission, rows):
    lines = [f"{definition.name} – online form {submission.reference}", ""]
    for row in rows:
        lines.append(f"{row.label}: {row.value}")
    return "\n".join(lines)


def _start_request(*, actor, submission, definition, state, rows):
    from organisation.models import ServiceArea
    from requests_tracking.models import Process
    from requests_tracking.services import request_create, request_evidence_add

    code = state.routing.get("process_code") or definition.process_code
    if not code:
        return None
    process = Process.objects.filter(code=code, is_current=True, active=True).first()
    if process is None:
        raise SubmissionRefused(
            [
                "We cannot take this form online at the moment. Please try again later or "
                "contact us."
            ]
        )
    area_slug = state.routing.get("service_area")
    service_area = ServiceArea.objects.filter(slug=area_slug).first() if area_slug else None
    request = request_create(
        actor=actor,
        process=process,
        description=_description(definition, submission, rows),
        citizen=submission.citizen,
        channel=submission.channel,
        originating_contact=submission.contact,
        service_area=service_area,
        **_place(definition, submission.answers),
    )
    for row in submission.files.all():
        with row.file.open("rb") as handle:
            upload = File(handle, name=row.stored_name)
            upload.size = row.size
            request_evidence_add(
                actor=actor,
                service_request=request,
                upload=upload,
                stored_name=f"{uuid.uuid4().hex}.{row.stored_name.rsplit('.', 1)[-1]}",
                original_name=row.original_name,
                content_type=row.content_type,
                description=f"From online form {submission.reference}",
                visible_to_citizen=True,
                from_citizen=actor is None,
            )
    return request


def _confirmation_messages(*, submission, definition, request):
    from notifications.services import message_enqueue
    from requests_tracking.public_links import tracking_url

    recipient_email = submission.applicant_email
    if not recipient_email and submission.citizen_id:
        primary = submission.citizen.emails.order_by("-is_primary", "pk").first()
        recipient_email = primary.email if primary else ""
    body = [
        f"Thank you. We have your {definition.name} form.",
        f"Reference: {submission.reference}",
    ]
    if request is not None:
        body.append(f"Your request number is {request.reference}.")
        body.append(f"Follow its progress at {tracking_url(request)}")
    if definition.confirmation_text:
        body.append(definition.confirmation_text)
    if recipient_email:
        message_enqueue(
            channel="email",
            recipient=recipient_email,
            subject=f"{definition.name}: we have your form ({submission.reference})",
            body="\n\n".join(body),
            idempotency_key=f"form-submitted:{submission.pk}:email",
            recipient_kind="citizen",
            citizen=submission.citizen,
            obj=submission,
            event="form_submitted",
        )
    elif submission.applicant_phone:
        message_enqueue(
            channel="sms",
            recipient=submission.applicant_phone,
            body=" ".join(body[:3])[:600],
            idempotency_key=f"form-submitted:{submission.pk}:sms",
            recipient_kind="citizen",
            citizen=submission.citizen,
            obj=submission,
            event="form_submitted",
        )


@transaction.atomic
def submission_submit(*, actor, submission: Submission, now=None) -> Submission:
    """Send a draft: exactly once, however many times it is posted at the same moment.

    Re-checks everything on the server (the route, required answers, blocking rules, exits),
    keeps only the answers to fields that are shown, starts the request when the form (or a
    rule) names a process, and tells the resident.
    """
    now = now or timezone.now()
    # The row lock makes a second, simultaneous submit wait and then find it sent.
    # Lock the row alone (PostgreSQL refuses FOR UPDATE across the nullable joins); what it
    # points at is read afterwards.
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if not submission.is_draft:
        return submission
    definition = definition_for(submission.version)
    state = evaluate(definition, submission.answers)
    if state.exit_after:
        raise SubmissionRefused([state.exit_message], page=state.exit_after)
    not_done = [k for k in state.route if k not in submission.pages_done]
    if not_done:
        page = definition.page(not_done[0])
        raise SubmissionRefused([f"You have not finished the page “{page.title}”."], page=page.key)
    missing = missing_required(definition, submission.answers, state)
    if missing:
        raise SubmissionRefused(
            [f"Answer “{fd.label}”." for fd in missing], page=missing[0].page_key
        )
    if state.blocks:
        raise SubmissionRefused(state.blocks)
    kept = visible_answers(definition, submission.answers, state)
    kept_files = {
        i for fd in definition.answer_fields() if fd.kind == "file" for i in kept.get(fd.key) or []
    }
    for row in submission.files.all():
        if row.pk not in kept_files:
            row.file.delete(save=False)
            row.delete()
    staff = _staff(actor)
    submission.answers = kept
    submission.status = Submission.Status.SUBMITTED
    submission.reference = f"FRM-{now.year}-{sequence_next(name=f'form-{now.year}'):06d}"
    submission.submitted_at = now
    submission.submitted_by = staff
    submission.last_saved_at = now
    submission.last_saved_by = staff
    submission.current_page = ""
    submission.expires_at = None
    submission.routing = state.routing
    if submission.citizen_id is None:
        first, last, email, mobile = _applicant(definition, kept)
        submission.applicant_name = submission.applicant_name or f"{first} {last}".strip()
        submission.applicant_email = submission.applicant_email or email
        submission.applicant_phone = submission.applicant_phone or mobile
        citizen = citizen_for_applicant(
            first_name=first,
            last_name=last,
            email=submission.applicant_email,
            mobile=submission.applicant_phone,
        )
        submission.citizen = citizen
        submission.needs_citizen_link = citizen is None
    file_names = {row.pk: row.original_name for row in submission.files.all()}
    rows = answer_rows(definition, kept, state, file_names=file_names)
    request = _start_request(
        actor=staff, submission=submission, definition=definition, state=state, rows=rows
    )
    submission.request = request
    submission.keep_until = (
        None if request else now + timedelta(days=submission.form.submission_retention_days)
    )
    submission.save()
    ResumeToken.objects.filter(submission=submission, revoked_at__isnull=True).update(
        revoked_at=now
    )
    form_submitted.send(
        sender=Submission,
        instance=submission,
        actor=staff,
        request=request,
        form_name=definition.name,
    )
    audit_record(
        actor=staff,
        action="create",
        obj=submission,
        citizen=submission.citizen,
        detail={
            "change": "submitted",
            "form": submission.form.slug,
            "version": submission.version.number,
            "request": request.reference if request else "",
        },
    )
    _confirmation_messages(submission=submission, definition=definition, request=request)
    return submission


@transaction.atomic
def submission_link_citizen(*, actor, submission: Submission, citizen) -> Submission:
    """A member of staff says whose this resident's draft or submission is."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    submission.citizen = citizen
    submission.needs_citizen_link = False
    submission.save(update_fields=["citizen", "needs_citizen_link"])
    form_submission_linked.send(
        sender=Submission, instance=submission, actor=actor, citizen=citizen
    )
    audit_record(
        actor=actor,
        action="change",
        obj=submission,
        citizen=citizen,
        detail={"change": "linked to citizen", "citizen": citizen.reference},
    )
    return submission
