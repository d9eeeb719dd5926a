"""'Save and come back later': a link by email or a code by text message.

The token (a link's 43 random characters, or an 8-character code) is shown to the resident once
and stored only as its SHA-256 hash. It opens the draft until the form is submitted, the draft
expires or a newer link or code replaces it; a link works once (the browser that used it keeps
the draft open), a code works once with the mobile number it was sent to.
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audit.services import audit_record
from forms_engine.field_types import date_words
from forms_engine.models import ResumeToken, Submission

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
CODE_LENGTH = 8


class ResumeRefused(Exception):
    """The link or code cannot open a draft; the message says why, plainly."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()


def code_normalise(code: str) -> str:
    """What people type from a text message: any case, spaces or dashes."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def _issue(submission, kind, sent_to, now):
    ResumeToken.objects.filter(submission=submission, revoked_at__isnull=True).update(
        revoked_at=now
    )
    if kind == ResumeToken.Kind.LINK:
        token = secrets.token_urlsafe(32)
    else:
        token = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    ResumeToken.objects.create(
        submission=submission, kind=kind, token_hash=token_hash(token), sent_to=sent_to
    )
    return token


def _keep_until_words(submission):
    return date_words(timezone.localtime(submission.expires_at).date())


def _remember(submission, *, name, email="", mobile=""):
    """Keep the details given, and link the draft to the citizen they certainly belong to (or
    list it for staff to link by hand)."""
    from forms_engine.matching import citizen_for_applicant

    fields = []
    if submission.citizen_id is None and name:
        words = name.split()
        citizen = citizen_for_applicant(
            first_name=words[0] if len(words) > 1 else "",
            last_name=words[-1] if len(words) > 1 else "",
            email=email,
            mobile=mobile,
        )
        submission.citizen = citizen
        submission.needs_citizen_link = citizen is None
        fields += ["citizen", "needs_citizen_link"]
    if name:
        submission.applicant_name = name[:200]
        fields.append("applicant_name")
    if email:
        submission.applicant_email = email
        fields.append("applicant_email")
    if mobile:
        submission.applicant_phone = mobile
        fields.append("applicant_phone")
    if fields:
        submission.save(update_fields=fields)


@transaction.atomic
def resume_link_send(*, actor, submission: Submission, email: str, name: str = "", now=None):
    """Email a link that opens the draft at the page reached; older links stop working."""
    from notifications.services import message_enqueue

    now = now or timezone.now()
    _remember(submission, name=name, email=email)
    token = _issue(submission, ResumeToken.Kind.LINK, email, now)
    from django.conf import settings

    link = settings.PUBLIC_BASE_URL.rstrip("/") + reverse(
        "forms_public:resume_link", kwargs={"token": token}
    )
    name_words = submission.version.snapshot.get("form", {}).get("name", "form")
    message_enqueue(
        channel="email",
        recipient=email,
        subject=f"Continue your {name_words} form",
        body=(
            f"You saved your {name_words} form. Use this link to carry on where you left off:\n\n"
            f"{link}\n\nWe will keep your answers until {_keep_until_words(submission)}. The link "
            "works once and stops working when you send the form or ask for a new link.\n\n"
            "If you did not ask for this, you can ignore this email."
        ),
        idempotency_key=f"form-resume:{submission.pk}:{token_hash(token)[:16]}",
        recipient_kind="citizen",
        citizen=submission.citizen,
        obj=submission,
        event="form_resume_link",
    )
    audit_record(
        actor=actor,
        action="change",
        obj=submission,
        citizen=submission.citizen,
        detail={"change": "resume link sent"},
    )
    return token


@transaction.atomic
def resume_code_send(*, actor, submission: Submission, mobile: str, name: str = "", now=None):
    """Text a code that, with the mobile number, opens the draft; older codes stop working."""
    from django.conf import settings

    from notifications.services import message_enqueue

    now = now or timezone.now()
    _remember(submission, name=name, mobile=mobile)
    code = _issue(submission, ResumeToken.Kind.CODE, mobile, now)
    where = settings.PUBLIC_BASE_URL.rstrip("/") + reverse(
        "forms_public:resume_code", kwargs={"slug": submission.form.slug}
    )
    message_enqueue(
        channel="sms",
        recipient=mobile,
        body=(
            f"Your code to continue your form is {code}. Enter it at {where} with this mobile "
            f"number. We keep your answers until {_keep_until_words(submission)}."
        ),
        idempotency_key=f"form-resume:{submission.pk}:{token_hash(code)[:16]}",
        recipient_kind="citizen",
        citizen=submission.citizen,
        obj=submission,
        event="form_resume_code",
    )
    audit_record(
        actor=actor,
        action="change",
        obj=submission,
        citizen=submission.citizen,
        detail={"change": "resume code sent"},
    )
    return code


def _check(row, now):
    submission = row.submission
    if submission.status == Submission.Status.SUBMITTED:
        raise ResumeRefused(
            "This form has already been sent, so it cannot be changed. Your reference is "
            f"{submission.reference}."
        )
    if submission.expires_at and submission.expires_at < now:
        raise ResumeRefused(
            "This saved form has expired and its answers have been deleted. Please start again."
        )
    if row.used_at is not None:
        raise ResumeRefused(
            "This link has been used already. Open the form on the device where you used it, "
            "or save the form again there to get a new link."
        )
    if row.revoked_at is not None:
        raise ResumeRefused(
            "This link has been replaced by a newer one. Use the link in the latest message we "
            "sent you."
        )


@transaction.atomic
def resume_link_use(*, token: str, now=None) -> Submission:
    now = now or timezone.now()
    # The token's row alone; its submission is read after the lock.
    row = (
        ResumeToken.objects.select_for_update(of=("self",))
        .filter(token_hash=token_hash(token), kind=ResumeToken.Kind.LINK)
        .first()
    )
    if row is None:
        raise ResumeRefused(
            "This link is not right. Check you copied all of it from the email, or start again."
        )
    _check(row, now)
    row.used_at = now
    row.save(update_fields=["used_at"])
    audit_record(
        actor=None,
        action="view",
        obj=row.submission,
        citizen=row.submission.citizen,
        detail={"via": "resume link"},
    )
    return row.submission


@transaction.atomic
def resume_code_use(*, form, mobile: str, code: str, now=None) -> Submission:
    now = now or timezone.now()
    # The token's row alone; its submission is read after the lock.
    row = (
        ResumeToken.objects.select_for_update(of=("self",))
        .filter(
            token_hash=token_hash(code_normalise(code)),
            kind=ResumeToken.Kind.CODE,
            sent_to=mobile,
            submission__form=form,
        )
        .first()
    )
    if row is None:
        raise ResumeRefused(
            "The code or mobile number is not right. Check the text message we sent you."
        )
    _check(row, now)
    row.used_at = now
    row.save(update_fields=["used_at"])
    audit_record(
        actor=None,
        action="view",
        obj=row.submission,
        citizen=row.submission.citizen,
        detail={"via": "resume code"},
    )
    return row.submission


def draft_keep_until(submission) -> str:
    """The date a draft will be deleted, in words (told to the resident when saving)."""
    expires = submission.expires_at or (timezone.now() + timedelta(days=28))
    return date_words(timezone.localtime(expires).date())
