"""Writes of the verification app: link a service account, check a citizen's answers.

Each service is atomic, records its audit row and sends the app's signal in the transaction.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from citizens.normalise import reference_compact
from verification import signals
from verification.answers import answer_hash, answer_matches, questions_for
from verification.models import (
    SecurityAnswer,
    SecurityQuestion,
    ServiceAccount,
    VerificationAttempt,
)


@transaction.atomic
def service_account_link(
    *,
    actor,
    citizen,
    kind,
    reference,
    service_area,
    answers: dict,
    snapshot=None,
    description="",
) -> ServiceAccount:
    """Link a back-office record; `answers` are hashed here and never stored in clear."""
    account = ServiceAccount.objects.create(
        citizen=citizen,
        kind=kind,
        service_area=service_area,
        reference=reference,
        reference_compact=reference_compact(reference),
        description=description,
        snapshot=snapshot or {},
        last_synced_at=timezone.now() if snapshot else None,
    )
    SecurityAnswer.objects.bulk_create(
        [
            SecurityAnswer(
                service_account=account, question=q.key, answer_hash=answer_hash(q, answers[q.key])
            )
            for q in questions_for(kind)
            if answers.get(q.key)
        ]
    )
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, obj=account, citizen=citizen)
    return account


@transaction.atomic
def verification_attempt(
    *, actor, service_account: ServiceAccount, answers: dict, contact=None
) -> VerificationAttempt:
    """Check the citizen's answers; pass, fail or (after too many failures) locked.

    A pass counts for `contact` only (the caller's open contact) or, with no contact, for
    settings.VERIFICATION_VALID_MINUTES. Answers are compared as hashes and never stored;
    which of them were wrong is stored only with VERIFICATION_REVEAL_WRONG_ANSWERS.
    """
    # The account's row alone; its citizen is read after the lock (a joined row could be
    # older than the locked one under READ COMMITTED).
    account = ServiceAccount.objects.select_for_update().get(pk=service_account.pk)
    now = timezone.now()
    failed = []
    valid_until = None
    if account.locked_until and account.locked_until > now:
        result = VerificationAttempt.Result.LOCKED
    else:
        stored = dict(
            account.answers.filter(needs_recapture=False).values_list("question", "answer_hash")
        )
        questions = questions_for(account.kind)
        failed = [
            q.key
            for q in questions
            if not answer_matches(q, answers.get(q.key, ""), stored.get(q.key, ""))
        ]
        if questions and not failed:
            result = VerificationAttempt.Result.PASS
            account.failed_attempts = 0
            account.locked_until = None
            if contact is None:
                valid_until = now + timedelta(minutes=settings.VERIFICATION_VALID_MINUTES)
        else:
            result = VerificationAttempt.Result.FAIL
            account.failed_attempts += 1
            if account.failed_attempts >= settings.VERIFICATION_MAX_FAILURES:
                account.locked_until = now + timedelta(minutes=settings.VERIFICATION_LOCK_MINUTES)
                account.failed_attempts = 0
        account.save(update_fields=["failed_attempts", "locked_until"])
    attempt = VerificationAttempt.objects.create(
        citizen=account.citizen,
        service_account=account,
        staff=actor if actor is not None and actor.is_authenticated else None,
        contact=contact,
        result=result,
        # Which answers were wrong is kept only where the council chose to reveal it.
        failed_questions=failed if settings.VERIFICATION_REVEAL_WRONG_ANSWERS else [],
        valid_until=valid_until,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.VERIFY,
        obj=account,
        citizen=account.citizen,
        contact_id=contact.pk if contact is not None else None,
        detail={"result": result},
    )
    signals.verification_attempted.send(
        sender=VerificationAttempt,
        instance=attempt,
        actor=actor,
        citizen_id=account.citizen_id,
        service_account_label=str(account),
        service_area_id=account.service_area_id,
    )
    return attempt


@transaction.atomic
def service_account_sync(
    *,
    actor,
    kind: str,
    reference: str,
    citizen,
    service_area,
    snapshot: dict | None,
    answers: dict,
    description: str | None = None,
    active: bool | None = None,
) -> tuple[ServiceAccount, bool]:
    """Create or update the account of this type and reference (a back office pushing its
    record); returns (account, created). Given answers replace those stored for their
    questions, as keyed hashes only. The account moves to `citizen` if it is another record."""
    account = (
        ServiceAccount.objects.select_for_update()
        .filter(kind=kind, reference_compact=reference_compact(reference))
        .first()
    )
    created = account is None
    now = timezone.now()
    if created:
        account = ServiceAccount(
            kind=kind, reference=reference, reference_compact=reference_compact(reference)
        )
    changed = []
    for name, value in (
        ("citizen", citizen),
        ("service_area", service_area),
        ("description", description),
        ("active", active),
        ("snapshot", snapshot),
    ):
        if value is not None and (created or getattr(account, name) != value):
            setattr(account, name, value)
            changed.append(name)
    if snapshot is not None:
        account.last_synced_at = now
    account.save()
    questions = {q.key: q for q in questions_for(kind)}
    for key, answer in answers.items():
        SecurityAnswer.objects.update_or_create(
            service_account=account,
            question=key,
            defaults={
                "answer_hash": answer_hash(questions[key], answer),
                "needs_recapture": False,
            },
        )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
        obj=account,
        citizen=account.citizen,
        detail={"synced": sorted(changed), "answers": sorted(answers)},  # names, never values
    )
    return account, created


def _answers_to_recapture(*, kind: str, key: str) -> int:
    return SecurityAnswer.objects.filter(
        service_account__kind=kind, question=key, needs_recapture=False
    ).update(needs_recapture=True)


@transaction.atomic
def security_question_save(*, actor, question: SecurityQuestion, previous_type=None) -> int:
    """Save a question configured in admin; returns how many stored answers must now be
    captured again (its answer type changed: they were hashed with another normalisation).
    Rewording (label, hint, position) keeps every answer."""
    created = question.pk is None
    question.save()
    marked = 0
    if not created and previous_type and previous_type != question.answer_type:
        marked = _answers_to_recapture(kind=question.kind, key=question.key)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
        obj=question,
        detail={"answer_type": question.answer_type, "answers_to_recapture": marked},
    )
    return marked


@transaction.atomic
def security_question_delete(*, actor, question: SecurityQuestion) -> int:
    """Remove a question; its stored answers are kept but marked as needing recapture (a
    question added again with the same key asks for them afresh). Returns how many."""
    marked = _answers_to_recapture(kind=question.kind, key=question.key)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        obj=question,
        detail={"change": "question removed", "answers_to_recapture": marked},
    )
    question.delete()
    return marked
