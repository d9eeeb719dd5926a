"""Reports about the same thing: following an open report instead of raising another, and
declining the candidates with a reason."""

from django.core.exceptions import ValidationError
from django.db import transaction

from requests_tracking.models import Request, RequestFollowerEmail, RequestNote
from requests_tracking.services.followers import SignUp, follower_citizen_add, follower_email_add
from requests_tracking.services.guards import TransitionRefused, request_locked
from requests_tracking.services.records import request_audit
from requests_tracking.signals import request_note_added


def _note(*, actor, service_request, text, kind=RequestNote.Kind.SYSTEM):
    note = RequestNote.objects.create(request=service_request, kind=kind, text=text, author=actor)
    request_note_added.send(
        sender=RequestNote, instance=note, actor=actor, service_request=service_request
    )
    return note


@transaction.atomic
def request_follow_instead(
    *,
    actor,
    service_request: Request,
    citizen=None,
    email: str = "",
    via: str = "",
    source: str = RequestFollowerEmail.Source.FOLLOW_INSTEAD,
) -> SignUp | None:
    """The caller reports something already reported: they follow the open report instead.

    Goes through the one follower mechanism (`services.followers`): a citizen on record
    follows it like its reporter at once; someone known only by an email address is sent the
    confirmation link first (the returned SignUp says which). The request's history says who
    joined and how (`via`: the agent's screen, a resident's form, an Open311 app).
    """
    service_request = request_locked(service_request)
    if not service_request.is_live:
        raise TransitionRefused(
            f"{service_request.reference} is {service_request.get_status_display().lower()} "
            "now, so it cannot be followed. Raise a new request instead."
        )
    email = (email or "").strip()
    if citizen is None and not email:
        raise ValidationError(
            {"email": "Enter the caller's email address so we can tell them about progress."}
        )
    sign_up = None
    if citizen is not None:
        follower_citizen_add(
            actor=actor, service_request=service_request, citizen=citizen, source=source
        )
        who = f"{citizen.full_name} ({citizen.reference})"
    else:
        sign_up = follower_email_add(
            actor=actor, service_request=service_request, email=email, source=source
        )
        who = "A resident (by email)"
    _note(
        actor=actor,
        service_request=service_request,
        text=f"{who} reported this again{f' ({via})' if via else ''} and follows it instead.",
    )
    request_audit(actor, service_request, "followed_instead", via=via)
    return sign_up


def request_new_despite_candidates(
    *, actor, service_request: Request, candidates, reason: str
) -> None:
    """Record why a report was raised although open reports like it were offered."""
    references = ", ".join(c.reference for c in candidates)
    _note(
        actor=actor,
        service_request=service_request,
        kind=RequestNote.Kind.NOTE,
        text=f"Raised as a new report although {references} looked alike: {reason.strip()}",
    )
