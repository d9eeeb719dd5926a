"""Followers: people told of a request's progress who did not raise it — the one way in.

Every flow that makes someone a follower calls these functions: the tracking page's "Get
updates by email", an agent's "follow instead" for a caller on record, online forms, reporting
apps (Open311) and the merging of duplicate requests.

- A citizen on record added by staff (`follower_citizen_add`) is told through their preferred
  channel at once: the member of staff is talking to them.
- An email address (`follower_email_add`) is told nothing until its owner opens the link in a
  first email and confirms (`follower_email_confirm`). An unconfirmed sign-up expires after
  `CONFIRM_WITHIN` (`followers_expire`, a periodic job, and the confirm page itself); one
  address can be signed up at most `SIGNUPS_PER_ADDRESS_PER_DAY` times in any 24 hours, so the
  council cannot be used to flood someone's inbox; a request takes at most
  `FOLLOWER_EMAILS_MAX` addresses, since anyone with its link can add one.
- Every message to a follower ends with a one-click link to stop (`follower_stop`).
- Merging requests moves followers with `followers_move`, which no cap stops.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from citizens.models import EmailAddress
from notifications.services import message_enqueue
from requests_tracking.models import Request, RequestFollowerEmail
from requests_tracking.public_links import follower_confirm_url
from requests_tracking.services.records import request_audit

F = RequestFollowerEmail
FOLLOWER_EMAILS_MAX = 20
SIGNUPS_PER_ADDRESS_PER_DAY = 3
CONFIRM_WITHIN = timedelta(days=7)

CONFIRM_SUBJECT = "Confirm you want updates about {reference}"
CONFIRM_BODY = (
    "Hello,\n\nSomeone, probably you, asked {council} to email this address when request "
    "{reference} ({process}) moves on.\n\nTo start getting updates, open this link by "
    "{deadline}:\n{confirm_url}\n\nIf you did not ask for this, ignore this email: we will not "
    "write to you about it again.\n\n{council}"
)


@dataclass(frozen=True)
class SignUp:
    """What `follower_email_add` did, so each caller can tell the person in its own words."""

    follower: RequestFollowerEmail
    # "confirmation_sent", "already_waiting" (a link was sent before and is still valid) or
    # "already_following" (confirmed before)
    outcome: str

    @property
    def needs_confirmation(self) -> bool:
        return self.follower.status == F.Status.PENDING


def _normalise(email: str) -> str:
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError({"email": "Enter your email address."})
    return email


def _active(queryset):
    return queryset.filter(status__in=F.ACTIVE)


def follower_confirm_deadline(follower: RequestFollowerEmail):
    return follower.created_at + CONFIRM_WITHIN


@transaction.atomic
def follower_email_add(
    *,
    actor=None,
    service_request: Request,
    email: str,
    source: str = F.Source.TRACKING_PAGE,
    now=None,
) -> SignUp:
    """Sign an email address up for a request's updates; it waits for the owner to confirm.

    Raises ValidationError (on "email", in plain words) when the address was signed up too
    often today or the request has as many addresses as it takes. Asking again while a sign-up
    waits or is confirmed changes nothing and sends nothing.
    """
    now = now or timezone.now()
    email = _normalise(email)
    existing = _active(F.objects.filter(request=service_request, email=email)).first()
    if (
        existing
        and existing.status == F.Status.PENDING
        and now > follower_confirm_deadline(existing)
    ):
        _expire([existing.pk], now)
        existing = None
    if existing:
        confirmed = existing.status == F.Status.CONFIRMED
        return SignUp(existing, "already_following" if confirmed else "already_waiting")
    recent = F.objects.filter(email=email, created_at__gt=now - timedelta(days=1)).count()
    if recent >= SIGNUPS_PER_ADDRESS_PER_DAY:
        raise ValidationError(
            {
                "email": "This email address has been signed up for updates "
                f"{SIGNUPS_PER_ADDRESS_PER_DAY} times in the last 24 hours, the most we allow. "
                "Try again tomorrow."
            }
        )
    # Anyone with the link can add an address: a cap stops the council being used to spam.
    if _active(F.objects.filter(request=service_request)).count() >= FOLLOWER_EMAILS_MAX:
        raise ValidationError(
            {
                "email": "This request cannot take more email addresses for updates. "
                "Contact us if you need to be told about it."
            }
        )
    follower = F.objects.create(
        request=service_request, email=email, source=source, created_at=now
    )
    _confirmation_send(actor=actor, follower=follower, service_request=service_request)
    request_audit(actor, service_request, "follower_email_signed_up", source=source)
    return SignUp(follower, "confirmation_sent")


def _confirmation_send(*, actor, follower, service_request):
    deadline = timezone.localtime(follower_confirm_deadline(follower))
    values = {
        "council": settings.COUNCIL_NAME,
        "reference": service_request.reference,
        "process": service_request.process.name,
        "deadline": f"{deadline:%-d %B %Y}",
        "confirm_url": follower_confirm_url(follower),
    }
    message_enqueue(
        actor=actor,
        channel="email",
        recipient=follower.email,
        recipient_kind="follower",
        subject=CONFIRM_SUBJECT.format(**values),
        body=CONFIRM_BODY.format(**values),
        idempotency_key=f"follower:{follower.pk}:confirm",
        obj=service_request,
        event="Confirm following",
    )


class FollowerLinkInvalid(Exception):
    """The confirmation link cannot be used any more; the message says why in plain words."""


def follower_email_confirm(*, follower_id: int, now=None) -> RequestFollowerEmail:
    """The address owner confirms from the link in the first email (no staff actor).

    Raises FollowerLinkInvalid, after recording an expiry, when the link cannot be used."""
    now = now or timezone.now()
    with transaction.atomic():
        # The follower's row alone: joining the request would lock its row as well.
        follower = F.objects.select_for_update().filter(pk=follower_id).first()
        problem = _confirm_problem(follower, now)
        if problem is None and follower.status == F.Status.PENDING:
            follower.status = F.Status.CONFIRMED
            follower.confirmed_at = now
            follower.save(update_fields=["status", "confirmed_at"])
            request_audit(None, follower.request, "follower_email_confirmed")
    if problem:
        raise FollowerLinkInvalid(problem)
    return follower


def _confirm_problem(follower, now) -> str | None:
    if follower is None:
        return "This link is not valid."
    if follower.status == F.Status.STOPPED:
        return "You stopped following this request. You can ask for updates again on its page."
    if follower.status == F.Status.EXPIRED or (
        follower.status == F.Status.PENDING and now > follower_confirm_deadline(follower)
    ):
        _expire([follower.pk], now)
        return (
            f"This link has expired: links work for {CONFIRM_WITHIN.days} days. "
            "You can ask for updates again on the request's page."
        )
    return None


@transaction.atomic
def follower_citizen_add(
    *, actor, service_request: Request, citizen, source: str = F.Source.STAFF
) -> bool:
    """A citizen on record follows a request (staff add them while talking to them); they are
    told of its progress like its reporter, by their preferred channel. False if they already
    followed it or raised it."""
    if citizen.pk == service_request.citizen_id:
        return False
    if service_request.followers.filter(pk=citizen.pk).exists():
        return False
    service_request.followers.add(citizen)
    request_audit(actor, service_request, "followed", citizen=citizen.reference, source=source)
    return True


@dataclass(frozen=True)
class Stopped:
    service_request: Request
    who: str  # the address, or "you" for a citizen on record


@transaction.atomic
def follower_stop(*, kind: str, ids: tuple, now=None) -> Stopped | None:
    """One click from a message: stop telling this person about this request.

    `kind`/`ids` come from a signed unfollow token: ("email", follower id) or
    ("citizen", request id, citizen id). A citizen who stops also ends any email sign-up of
    theirs on the request. Returns None when there is nothing (left) to stop.
    """
    now = now or timezone.now()
    if kind == "email":
        follower = F.objects.select_related("request").filter(pk=ids[0]).first()
        if follower is None:
            return None
        if follower.status in F.ACTIVE:
            follower.status, follower.ended_at = F.Status.STOPPED, now
            follower.save(update_fields=["status", "ended_at"])
            request_audit(None, follower.request, "follower_email_stopped")
        return Stopped(follower.request, follower.email)
    service_request = Request.objects.filter(pk=ids[0]).select_related("citizen").first()
    if service_request is None:
        return None
    removed = service_request.followers.through.objects.filter(
        request_id=service_request.pk, citizen_id=ids[1]
    ).delete()[0]
    emails = EmailAddress.objects.filter(citizen_id=ids[1]).values_list("email", flat=True)
    _active(F.objects.filter(request=service_request)).filter(
        email__in=[e.lower() for e in emails]
    ).update(status=F.Status.STOPPED, ended_at=now)
    if removed:
        request_audit(None, service_request, "follower_stopped", citizen_id=ids[1])
    return Stopped(service_request, "you")


@transaction.atomic
def followers_move(*, actor, source: Request, target: Request, now=None) -> dict:
    """Move every follower of `source` to `target` (merging duplicate requests).

    No cap stops this: the people already chose to follow. Confirmed addresses stay confirmed
    and waiting ones keep their link; an address already on `target` is not added twice; the
    reporter of `source` is the caller's to add (`follower_citizen_add`). Returns counts.
    """
    now = now or timezone.now()
    on_target = set(_active(F.objects.filter(request=target)).values_list("email", flat=True))
    moved = duplicates = 0
    for follower in _active(F.objects.filter(request=source)).select_for_update():
        if follower.email in on_target:
            follower.status, follower.ended_at = F.Status.STOPPED, now
            follower.save(update_fields=["status", "ended_at"])
            duplicates += 1
        else:
            follower.request = target
            follower.save(update_fields=["request"])
            on_target.add(follower.email)
            moved += 1
    citizens = list(source.followers.exclude(pk=target.citizen_id or 0))
    target.followers.add(*citizens)
    source.followers.clear()
    request_audit(
        actor,
        target,
        "followers_moved",
        source=source.reference,
        emails=moved,
        citizens=len(citizens),
    )
    return {"emails": moved, "emails_already_following": duplicates, "citizens": len(citizens)}


def _expire(ids, now) -> int:
    return F.objects.filter(pk__in=ids, status=F.Status.PENDING).update(
        status=F.Status.EXPIRED, ended_at=now
    )


def followers_expire(*, now=None) -> int:
    """Sign-ups not confirmed within `CONFIRM_WITHIN` expire (periodic job)."""
    now = now or timezone.now()
    return F.objects.filter(status=F.Status.PENDING, created_at__lt=now - CONFIRM_WITHIN).update(
        status=F.Status.EXPIRED, ended_at=now
    )


__all__ = [
    "CONFIRM_WITHIN",
    "FOLLOWER_EMAILS_MAX",
    "SIGNUPS_PER_ADDRESS_PER_DAY",
    "FollowerLinkInvalid",
    "SignUp",
    "Stopped",
    "follower_citizen_add",
    "follower_confirm_deadline",
    "follower_email_add",
    "follower_email_confirm",
    "follower_stop",
    "followers_expire",
    "followers_move",
]
