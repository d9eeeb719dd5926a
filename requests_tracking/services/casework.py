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
    citizen_messages_build,
    message_audiences,
    message_context,
)
from requests_tracking.services.dates import (
    request_dates_refresh,
    request_next_check_refresh,
    request_pause_end,
)
from requests_tracking.services.guards import ExpectedState, S, request_locked, transition_guard
from requests_tracking.services.records import request_audit, request_save
from requests_tracking.signals import (
    request_citizen_replied,
    request_evidence_added,
    request_information_requested,
    request_note_added,
)


@transaction.atomic
def request_note_add(
    *, actor, service_request: Request, text: str, visible_to_citizen: bool = False
) -> RequestNote:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Enter the note."})
    note = RequestNote.objects.create(
        request=service_request, text=text, visible_to_citizen=visible_to_citizen, author=actor
    )
    request_note_added.send(
        sender=RequestNote, instance=note, actor=actor, service_request=service_request
    )
    request_audit(actor, service_request, "note", visible_to_citizen=visible_to_citizen)
    return note


@transaction.atomic
def request_information_request(
    *,
    actor,
    service_request: Request,
    question: str,
    expected: ExpectedState | None = None,
    now=None,
) -> RequestNote:
    """Ask the citizen for information: they are told, and the clock stops if the stage says."""
    now = now or timezone.now()
    question = (question or "").strip()
    if not question:
        raise ValidationError({"question": "Enter what you need from the citizen."})
    service_request = request_locked(service_request, expected)
    transition_guard(service_request, "request_information")
    note = RequestNote.objects.create(
        request=service_request,
        kind=RequestNote.Kind.INFORMATION_REQUEST,
        text=question,
        visible_to_citizen=True,
        author=actor,
    )
    if service_request.status == S.OPEN:
        service_request.status = S.WAITING
        service_request.waiting_since = now
    request_next_check_refresh(service_request)
    request_save(service_request)
    messages = citizen_messages_build(
        service_request=service_request,
        audience=message_audiences([service_request])[service_request.pk],
        subject=INFO_REQUEST_SUBJECT,
        body=INFO_REQUEST_BODY,
        sms_body="",
        event_key=f"request:{service_request.pk}:question:{note.pk}",
        event="Information requested",
        context=message_context(service_request, note=question),
        followers=False,  # only the reporter can answer; followers never see the question
    )
    messages_enqueue_many(actor=actor, messages=messages)
    request_information_requested.send(
        sender=RequestNote, instance=note, actor=actor, service_request=service_request
    )
    request_audit(actor, service_request, "information_requested")
    return note


@transaction.atomic
def request_citizen_reply(
    *,
    actor=None,
    service_request: Request,
    text: str,
    expected: ExpectedState | None = None,
    now=None,
) -> RequestNote:
    """The citizen's answer (online, or taken by staff on the phone): the clock restarts."""
    now = now or timezone.now()
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Enter the citizen's reply."})
    service_request = request_locked(service_request, expected)
    transition_guard(service_request, "citizen_reply")
    note = RequestNote.objects.create(
        request=service_request,
        kind=RequestNote.Kind.CITIZEN_REPLY,
        text=text,
        visible_to_citizen=True,
        author=actor,
        from_citizen=True,
    )
    request_pause_end(service_request, now)
    service_request.status = S.OPEN
    request_next_check_refresh(service_request)
    request_dates_refresh(service_request, now)
    request_save(service_request)
    request_citizen_replied.send(
        sender=RequestNote, instance=note, actor=actor, service_request=service_request
    )
    request_audit(actor, service_request, "citizen_replied")
    return note


@transaction.atomic
def request_evidence_add(
    *,
    actor,
    service_request: Request,
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
        request=service_request,
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
    request_evidence_added.send(
        sender=Evidence, instance=evidence, actor=actor, service_request=service_request
    )
    request_audit(actor, service_request, "evidence", file=original_name)
    return evidence


@transaction.atomic
def request_citizen_answer(
    *,
    actor=None,
    service_request: Request,
    text: str,
    upload=None,
    stored_name: str = "",
    original_name: str = "",
    content_type: str = "",
    expected: ExpectedState | None = None,
    now=None,
) -> RequestNote:
    """The citizen answers online: their reply (the clock restarts) and the file they sent, if
    any, together or not at all. The file was checked by the form (size and content)."""
    note = request_citizen_reply(
        actor=actor, service_request=service_request, text=text, expected=expected, now=now
    )
    if upload is not None:
        request_evidence_add(
            actor=actor,
            service_request=service_request,
            upload=upload,
            stored_name=stored_name,
            original_name=original_name,
            content_type=content_type,
            description="Sent with the citizen's reply",
            visible_to_citizen=True,
            from_citizen=True,
        )
    return note
