"""Reads of the verification app: which accounts a citizen has and whether they count as
verified now for this member of staff."""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from verification.models import ServiceAccount, VerificationAttempt


def service_accounts_for(*, citizen) -> list[ServiceAccount]:
    """The citizen's active linked accounts with their service areas, in one query."""
    return list(
        ServiceAccount.objects.filter(citizen=citizen, active=True).select_related("service_area")
    )


def verification_current_pass(*, service_account, staff, contact=None):
    """The pass that counts now for this member of staff, or None.

    Inside a contact, only a pass recorded during that same contact counts. Outside any
    contact, a pass by the same member of staff counts until its `valid_until`.
    """
    qs = VerificationAttempt.objects.filter(
        service_account=service_account, result=VerificationAttempt.Result.PASS
    )
    if contact is not None:
        return qs.filter(_counting_in(contact)).order_by("-pk").first()
    return qs.filter(contact__isnull=True, staff=staff, valid_until__gt=timezone.now()).first()


def _counting_in(contact) -> Q:
    """Passes that count in a contact: recorded during it, or given by the same member of staff
    with no contact open shortly before it started (still valid when it started) — verifying
    the caller and then starting the contact must not lose the pass."""
    carried = Q(
        contact__isnull=True,
        staff_id=contact.agent_id,
        citizen_id=contact.citizen_id,
        valid_until__gt=contact.started_at,
        created_at__lte=contact.started_at,
    )
    return Q(contact=contact) | carried if contact.citizen_id else Q(contact=contact)


def _passes_counting(passes, *, staff, contact, now):
    if contact is not None:
        return passes.filter(_counting_in(contact))
    return passes.filter(contact__isnull=True, staff=staff, valid_until__gt=now)


def _status(account, verified: bool, now) -> str:
    if verified:
        return "verified"
    if account.locked_until and account.locked_until > now:
        return "locked"
    return "not verified"


def verification_status(*, accounts, staff, contact=None) -> dict[int, str]:
    """{service_account_id: "verified" | "locked" | "not verified"} in one query."""
    now = timezone.now()
    if not accounts:
        return {}
    passes = VerificationAttempt.objects.filter(
        service_account__in=[a.pk for a in accounts], result=VerificationAttempt.Result.PASS
    )
    passes = _passes_counting(passes, staff=staff, contact=contact, now=now)
    verified = set(passes.values_list("service_account_id", flat=True))
    return {a.id: _status(a, a.id in verified, now) for a in accounts}


def service_accounts_verified(*, citizen, staff, contact=None) -> list[ServiceAccount]:
    """`service_accounts_for` with each account's `verification_status` as `.verification`,
    in one query (the record page's panels)."""
    now = timezone.now()
    passes = VerificationAttempt.objects.filter(
        service_account=OuterRef("pk"), result=VerificationAttempt.Result.PASS
    )
    passes = _passes_counting(passes, staff=staff, contact=contact, now=now)
    accounts = list(
        ServiceAccount.objects.filter(citizen=citizen, active=True)
        .select_related("service_area")
        .annotate(verified_now=Exists(passes))
    )
    for account in accounts:
        account.verification = _status(account, account.verified_now, now)
    return accounts


def contact_verified_services(*, contact) -> list[str]:
    """Services the citizen passed verification for during this contact (area names)."""
    if contact is None:
        return []
    attempts = (
        VerificationAttempt.objects.filter(
            _counting_in(contact), result=VerificationAttempt.Result.PASS
        )
        .select_related("service_account__service_area")
        .order_by("pk")
    )
    names = []
    for attempt in attempts:
        label = str(attempt.service_account.service_area)
        if label not in names:
            names.append(label)
    return names


def citizen_ids_for_reference(reference: str) -> list[int]:
    """Citizens holding a service account with this compact reference (for quick search)."""
    return list(
        ServiceAccount.objects.filter(reference_compact=reference).values_list(
            "citizen_id", flat=True
        )
    )


def captured_questions(*, service_account) -> set[str]:
    """Keys of the questions this account holds a usable answer to (not needing recapture)."""
    return set(
        service_account.answers.filter(needs_recapture=False).values_list("question", flat=True)
    )
