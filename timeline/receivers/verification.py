"""Timeline entries for verification attempts against linked service accounts."""

from django.conf import settings

from timeline.models import Kind
from timeline.services import EntryData, entry_write
from timeline.sources import Source, link_to, register

# The attempts were citizens' rows before the verification app existed; entries keep the key
# and source type they were written with, so a rebuild upserts them instead of adding copies.
ATTEMPT = "citizens.verificationattempt"

VERIFICATION_KIND = {
    "pass": Kind.VERIFICATION_PASSED,
    "fail": Kind.VERIFICATION_FAILED,
    "locked": Kind.VERIFICATION_LOCKED,
}


def verification_attempted_entry(
    attempt, *, citizen_id, account_label, service_area_id, actor_id=None
) -> EntryData:
    kind = VERIFICATION_KIND.get(attempt.result, Kind.VERIFICATION_FAILED)
    summary = {
        Kind.VERIFICATION_PASSED: f"Verified against {account_label}",
        Kind.VERIFICATION_FAILED: f"Failed verification against {account_label}",
        Kind.VERIFICATION_LOCKED: f"Verification against {account_label} refused: locked",
    }[kind]
    failed = len(attempt.failed_questions or [])
    # Pass or fail only, unless the council chose to reveal which answers were wrong.
    if kind == Kind.VERIFICATION_FAILED and failed and settings.VERIFICATION_REVEAL_WRONG_ANSWERS:
        summary += f" ({failed} answer{'s' if failed != 1 else ''} wrong)"
    return EntryData(
        key=f"{ATTEMPT}:{attempt.pk}",
        citizen_id=citizen_id,
        kind=kind,
        occurred_at=attempt.created_at,
        summary=summary,
        actor_id=actor_id if actor_id is not None else attempt.staff_id,
        service_area_id=service_area_id,
        source_type=ATTEMPT,
        source_id=str(attempt.pk),
        detail={"contact_id": attempt.contact_id},
    )


def on_verification_attempted(
    sender,
    instance,
    actor=None,
    citizen_id=None,
    service_account_label="",
    service_area_id=None,
    **kwargs,
):
    entry_write(
        data=verification_attempted_entry(
            instance,
            citizen_id=citizen_id,
            account_label=service_account_label,
            service_area_id=service_area_id,
            actor_id=getattr(actor, "pk", None),
        )
    )


def connect() -> None:
    from verification import signals

    signals.verification_attempted.connect(
        on_verification_attempted, dispatch_uid="timeline_on_verification_attempted"
    )


def history(citizen_ids):
    from verification.models import VerificationAttempt

    attempts = VerificationAttempt.objects.select_related("service_account")
    if citizen_ids is not None:
        attempts = attempts.filter(citizen_id__in=citizen_ids)
    for attempt in attempts.order_by("pk").iterator(chunk_size=2000):
        yield verification_attempted_entry(
            attempt,
            citizen_id=attempt.citizen_id,
            account_label=str(attempt.service_account),
            service_area_id=attempt.service_account.service_area_id,
        )


register(
    Source(
        name="verification",
        connect=connect,
        history=history,
        links={
            ATTEMPT: link_to("citizens:detail", attr="citizen_id", anchor="#service-accounts"),
        },
    )
)
