"""Case work on a request: notes, asking the citizen for information and their reply,
evidence files (followers: `services.followers`)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from notifications.services import messages_enqueue_many
from requests_tracking.models import Evidence, Request, RequestNote
from requests_tracking.services.actions import (
    INFO_REQUEST_BODY,
    INFO_REQUEST_SUBJECT,
    _audiences,
    _citizen_messages,
    _context,
)
from requests_tracking.services.dates import _dates_refresh, _next_check_refresh, _pause_end
from requests_tracking.services.guards import S, _guard, _locked
from requests_tracking.services.records import _audit, _save
from requests_tracking.signals import (
    request_citizen_replied,
    request_evidence_added,
    request_information_requested,
    request_note_added,
)


@transaction.atomic
def request_note_add(
    *, actor, request: Request, text: str, visible_to_citizen: bool = False
) -> RequestNote:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Enter the note."})
    note = RequestNote.objects.create(
        request=request, text=text, visible_to_citizen=visible_to_citizen, author=actor
    )
    request_note_added.send(sender=RequestNote, instance=note, actor=actor, request=request)
    _audit(actor, request, "note", visible_to_citizen=visible_to_citizen)
    return note


@transaction.atomic
def request_information_request(
    *, actor, request: Request, question: str, now=None
) -> RequestNote:
    """Ask the citizen for information: they are told, and the clock stops if the stage says."""
    now = now or timezone.now()
    question = (question or "").strip()
    if not question:
        raise ValidationError({"question": "Enter what you need from the citizen."})
    request = _locked(request)
    _guard(request, "request_information")
    note = RequestNote.objects.create(
        request=request,
        kind=RequestNote.Kind.INFORMATION_REQUEST,
        text=question,
        visible_to_citizen=True,
        author=actor,
    )
    if request.status == S.OPEN:
        request.status = S.WAITING
        request.waiting_since = now
    _next_check_refresh(request)
    _save(request)
    messages = _citizen_messages(
        request=request,
        audience=_audiences([request])[request.pk],
        subject=INFO_REQUEST_SUBJECT,
        body=INFO_REQUEST_BODY,
        sms_body="",
        event_key=f"request:{request.pk}:question:{note.pk}",
        event="Information requested",
        context=_context(request, note=question),
    )
    messages_enqueue_many(actor=actor, messages=messages)
    request_information_requested.send(
        sender=RequestNote, instance=note, actor=actor, request=request
    )
    _audit(actor, request, "information_requested")
    return note


@transaction.atomic
def request_citizen_reply(*, actor=None, request: Request, text: str, now=None) -> RequestNote:
    """The citizen's answer (online, or taken by staff on the phone): the clock restarts."""
    now = now or timezone.now()
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Enter the citizen's reply."})
    request = _locked(request)
    _guard(request, "citizen_reply")
    note = RequestNote.objects.create(
        request=request,
        kind=RequestNote.Kind.CITIZEN_REPLY,
        text=text,
        visible_to_citizen=True,
        author=actor,
        from_citizen=True,
    )
    _pause_end(request, now)
    request.status = S.OPEN
    _next_check_refresh(request)
    _dates_refresh(request, now)
    _save(request)
    request_citizen_replied.send(sender=RequestNote, instance=note, actor=actor, request=request)
    _audit(actor, request, "citizen_replied")
    return note


@transaction.atomic
def request_evidence_add(
    *,
    actor,
    request: Request,
    upload,
    stored_name: str,
    original_name: str,
    content_type: str,
    description: str = "",
    visible_to_citizen: bool = False,
    from_citizen: bool = False,
) -> Evidence:
    """Store a file that the form has already checked (size and content)."""
    evidence = Evidence(
        request=request,
        stored_name=stored_name,
        original_name=original_name,
        content_type=content_type,
        size=upload.size,
        description=description,
        visible_to_citizen=visible_to_citizen,
        from_citizen=from_citizen,
        uploaded_by=actor,
    )
    evidence.file.save(stored_name, upload, save=False)
    evidence.save()
    request_evidence_added.send(sender=Evidence, instance=evidence, actor=actor, request=request)
    _audit(actor, request, "evidence", file=original_name)
    return evidence


@transaction.atomic
def request_citizen_answer(
    *,
    actor=None,
    request: Request,
    text: str,
    upload=None,
    stored_name: str = "",
    original_name: str = "",
    content_type: str = "",
    now=None,
) -> RequestNote:
    """The citizen answers online: their reply (the clock restarts) and the file they sent, if
    any, together or not at all. The file was checked by the form (size and content)."""
    note = request_citizen_reply(actor=actor, request=request, text=text, now=now)
    if upload is not None:
        request_evidence_add(
            actor=actor,
            request=request,
            upload=upload,
            stored_name=stored_name,
            original_name=original_name,
            content_type=content_type,
            description="Sent with the citizen's reply",
            visible_to_citizen=True,
            from_citizen=True,
        )
    return note
