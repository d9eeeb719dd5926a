"""Marking a request as a duplicate of another, and undoing that the same day.

The duplicate's followers (people and email addresses, past any cap) move to the original
through `followers_move`, its reporter follows the original, it closes with a message to its
reporter, both requests keep a note and the link, and `RequestDuplicateLink.moved` records
exactly what moved so that an undo on the same day puts it all back.
"""

from django.db import transaction
from django.utils import timezone

from notifications.services import messages_enqueue_many
from requests_tracking.models import (
    Request,
    RequestDuplicateLink,
    RequestFollowerEmail,
    StageVisit,
)
from requests_tracking.public_links import follower_view_url
from requests_tracking.services.actions import (
    citizen_messages_build,
    message_audiences,
    message_context,
)
from requests_tracking.services.dates import request_dates_refresh
from requests_tracking.services.duplicates import _note
from requests_tracking.services.followers import follower_citizen_add, followers_move
from requests_tracking.services.guards import S, TransitionRefused, request_locked
from requests_tracking.services.lifecycle import _enter_stage, _leave_stage, _status_changed
from requests_tracking.services.records import request_audit, request_save

F = RequestFollowerEmail

DUPLICATE_SUBJECT = "Your report {{ reference }} was reported already"
DUPLICATE_BODY = (
    "Dear {{ citizen_name }},\n\nThank you for your report {{ reference }} ({{ process }}). "
    "The same thing had already been reported to us as {{ original_reference }}, so we have "
    "closed your report and will tell you about the progress of {{ original_reference }} "
    "instead. You can follow it at {{ original_tracking_url }}\n\n{{ council_name }}"
)
REOPENED_SUBJECT = "Your report {{ reference }} is open again"
REOPENED_BODY = (
    "Dear {{ citizen_name }},\n\nWe told you earlier that your report {{ reference }} "
    "({{ process }}) was the same as another one. That was a mistake: your report is open "
    "again and we will deal with it. See its progress at {{ tracking_url }}\n\n{{ council_name }}"
)


def _both_locked(first: Request, second: Request) -> tuple[Request, Request]:
    # Always lock in id order, so two members of staff merging the pair both ways cannot
    # deadlock each other.
    locked = {r.pk: request_locked(r) for r in sorted([first, second], key=lambda r: r.pk)}
    return locked[first.pk], locked[second.pk]


def duplicate_refusal(duplicate: Request, original: Request) -> str | None:
    """Why `duplicate` cannot be marked as a duplicate of `original`, in plain words."""
    if duplicate.pk == original.pk:
        return "A request cannot be a duplicate of itself."
    if duplicate.duplicate_of_id:
        return f"{duplicate.reference} is already marked as a duplicate."
    if not duplicate.is_live:
        return (
            f"{duplicate.reference} is {duplicate.get_status_display().lower()}, so it cannot "
            "be marked as a duplicate."
        )
    if original.duplicate_of_id:
        return (
            f"{original.reference} is itself a duplicate of another request: mark "
            f"{duplicate.reference} as a duplicate of that one."
        )
    if original.status in (S.CLOSED, S.CANCELLED):
        return (
            f"{original.reference} is {original.get_status_display().lower()}. Choose an "
            "open request to keep."
        )
    return None


@transaction.atomic
def request_duplicate_mark(
    *, actor, duplicate: Request, original: Request, reason: str = "", now=None
) -> RequestDuplicateLink:
    """Mark `duplicate` as the same as `original`: followers and reporter move, it closes."""
    now = now or timezone.now()
    duplicate, original = _both_locked(duplicate, original)
    problem = duplicate_refusal(duplicate, original)
    if problem:
        raise TransitionRefused(problem)
    reason = (reason or "").strip()
    on_original = set(
        F.objects.filter(request=original, status__in=F.ACTIVE).values_list("email", flat=True)
    )
    emails = list(
        F.objects.filter(request=duplicate, status__in=F.ACTIVE).values_list(
            "pk", "email", "status"
        )
    )
    following_original = set(original.followers.values_list("pk", flat=True))
    citizens = [
        pk
        for pk in duplicate.followers.values_list("pk", flat=True)
        if pk not in following_original and pk != original.citizen_id
    ]
    followers_move(actor=actor, source=duplicate, target=original, now=now)
    reporter_added = bool(duplicate.citizen_id) and follower_citizen_add(
        actor=actor,
        service_request=original,
        citizen=duplicate.citizen,
        source=F.Source.MERGE,
    )
    moved = {
        "emails_moved": [pk for pk, email, _ in emails if email not in on_original],
        "emails_stopped": [[pk, status] for pk, email, status in emails if email in on_original],
        "citizens": citizens,
        "reporter_added": reporter_added,
        "status": duplicate.status,
        "status_reason": duplicate.status_reason,
    }
    _leave_stage(actor=actor, service_request=duplicate, now=now, exit=StageVisit.Exit.CANCELLED)
    duplicate.status = S.CLOSED
    duplicate.closed_at = now
    duplicate.status_reason = f"Duplicate of {original.reference}"
    duplicate.next_check_at = None
    duplicate.estimated_completion_at = None
    duplicate.waiting_since = None
    duplicate.duplicate_of = original
    request_save(duplicate, "duplicate_of")
    link = RequestDuplicateLink.objects.create(
        duplicate=duplicate,
        original=original,
        reason=reason,
        marked_by=actor,
        marked_at=now,
        moved=moved,
    )
    why = f": {reason}" if reason else "."
    _note(
        actor=actor,
        service_request=duplicate,
        text=f"Marked as a duplicate of {original.reference} and closed{why}",
    )
    _note(
        actor=actor,
        service_request=original,
        text=f"{duplicate.reference} was marked as a duplicate of this request; its reporter "
        f"and followers now follow this one{why}",
    )
    messages_enqueue_many(
        actor=actor,
        messages=citizen_messages_build(
            service_request=duplicate,
            audience=message_audiences([duplicate])[duplicate.pk],
            subject=DUPLICATE_SUBJECT,
            body=DUPLICATE_BODY,
            sms_body="",
            event_key=f"request:{duplicate.pk}:duplicate:{link.pk}",
            event="Closed as a duplicate",
            context={
                **message_context(duplicate),
                "original_reference": original.reference,
                "original_tracking_url": follower_view_url(original),
            },
        ),
    )
    _status_changed(actor, duplicate, "closed", duplicate.status_reason)
    request_audit(actor, original, "duplicate_received", duplicate=duplicate.reference)
    request_audit(actor, duplicate, "marked_duplicate", original=original.reference)
    return link


def undo_refusal(link: RequestDuplicateLink, now=None) -> str | None:
    now = now or timezone.now()
    if link.undone_at is not None:
        return "This was undone already."
    if timezone.localdate(link.marked_at) != timezone.localdate(now):
        return (
            "Marking a duplicate can only be undone on the day it was done. Reopen the request "
            "instead if it needs work."
        )
    return None


@transaction.atomic
def request_duplicate_undo(*, actor, link: RequestDuplicateLink, now=None) -> Request:
    """Put back what `request_duplicate_mark` did (the same day only) and reopen the request."""
    now = now or timezone.now()
    link = RequestDuplicateLink.objects.select_for_update().get(pk=link.pk)
    problem = undo_refusal(link, now)
    if problem:
        raise TransitionRefused(problem)
    duplicate, original = _both_locked(link.duplicate, link.original)
    moved = link.moved
    F.objects.filter(pk__in=moved.get("emails_moved", []), request=original).update(
        request=duplicate
    )
    # Addresses that were stopped because they already followed the original follow both again.
    for pk, status in moved.get("emails_stopped", []):
        F.objects.filter(pk=pk, status=F.Status.STOPPED).update(status=status, ended_at=None)
    back = list(moved.get("citizens", []))
    if back:
        original.followers.remove(*back)
        duplicate.followers.add(*back)
    if moved.get("reporter_added") and duplicate.citizen_id:
        original.followers.remove(duplicate.citizen_id)
    duplicate.status = moved.get("status") or S.OPEN
    if duplicate.status == S.WAITING:
        duplicate.status = S.OPEN  # the wait ended when it closed; ask again if needed
    duplicate.status_reason = moved.get("status_reason", "")
    duplicate.closed_at = None
    duplicate.duplicate_of = None
    _enter_stage(actor=actor, service_request=duplicate, stage=duplicate.current_stage, now=now)
    request_dates_refresh(duplicate, now)
    request_save(duplicate, "duplicate_of")
    link.undone_at = now
    link.undone_by = actor
    link.save(update_fields=["undone_at", "undone_by"])
    _note(
        actor=actor,
        service_request=duplicate,
        text=f"No longer a duplicate of {original.reference}: reopened, followers moved back.",
    )
    _note(
        actor=actor,
        service_request=original,
        text=f"{duplicate.reference} is no longer marked as a duplicate of this request.",
    )
    if duplicate.citizen_id:
        messages_enqueue_many(
            actor=actor,
            messages=citizen_messages_build(
                service_request=duplicate,
                audience=message_audiences([duplicate])[duplicate.pk],
                subject=REOPENED_SUBJECT,
                body=REOPENED_BODY,
                sms_body="",
                event_key=f"request:{duplicate.pk}:duplicate_undone:{link.pk}",
                event="Open again (not a duplicate)",
                context=message_context(duplicate),
            ),
        )
    _status_changed(actor, duplicate, "reopened", f"Not a duplicate of {original.reference}")
    request_audit(actor, duplicate, "duplicate_undone", original=original.reference)
    return duplicate


__all__ = [
    "duplicate_refusal",
    "request_duplicate_mark",
    "request_duplicate_undo",
    "undo_refusal",
]
