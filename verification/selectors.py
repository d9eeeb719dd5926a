"""Reads of the verification app: which accounts a citizen has and whether they count as
verified now for this member of staff."""

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
        return qs.filter(contact=contact).first()
    return qs.filter(contact__isnull=True, staff=staff, valid_until__gt=timezone.now()).first()


def verification_status(*, accounts, staff, contact=None) -> dict[int, str]:
    """{service_account_id: "verified" | "locked" | "not verified"} in one query."""
    now = timezone.now()
    if not accounts:
        return {}
    passes = VerificationAttempt.objects.filter(
        service_account__in=[a.pk for a in accounts], result=VerificationAttempt.Result.PASS
    )
    if contact is not None:
        passes = passes.filter(contact=contact)
    else:
        passes = passes.filter(contact__isnull=True, staff=staff, valid_until__gt=now)
    verified = set(passes.values_list("service_account_id", flat=True))
    status = {}
    for a in accounts:
        if a.id in verified:
            status[a.id] = "verified"
        elif a.locked_until and a.locked_until > now:
            status[a.id] = "locked"
        else:
            status[a.id] = "not verified"
    return status


def contact_verified_services(*, contact) -> list[str]:
    """Services the citizen passed verification for during this contact (area names)."""
    if contact is None:
        return []
    attempts = (
        VerificationAttempt.objects.filter(contact=contact, result=VerificationAttempt.Result.PASS)
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
