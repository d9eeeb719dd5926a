from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from audit.services import audit_view
from contacts.active import active_contact_for_request
from verification import selectors, services
from verification.answers import questions_for
from verification.forms import VerificationForm
from verification.models import ServiceAccount


@permission_required("verification.verify_serviceaccount", raise_exception=True)
def verify(request, pk, account_pk):
    account = get_object_or_404(
        ServiceAccount.objects.select_related("citizen", "service_area"),
        pk=account_pk,
        citizen_id=pk,
    )
    contact = active_contact_for_request(request).contact
    captured = selectors.captured_questions(service_account=account)
    form = VerificationForm(request.POST or None, kind=account.kind, captured=captured)
    attempt = None
    if request.method == "POST" and not form.not_captured and form.is_valid():
        attempt = services.verification_attempt(
            actor=request.user, service_account=account, answers=form.cleaned_data, contact=contact
        )
        if attempt.result == "pass":
            messages.success(request, f"Verified for {account.get_kind_display().lower()}.")
            return redirect(account.citizen)
        account.refresh_from_db()
        # The answers typed stay in the form so the agent can correct one and try again; which
        # answer was wrong is not said (that would let a caller guess one answer at a time)
        # unless the council turned VERIFICATION_REVEAL_WRONG_ANSWERS on.
    wrong = []
    if attempt is not None and settings.VERIFICATION_REVEAL_WRONG_ANSWERS:
        wrong = [q.label for q in questions_for(account.kind) if q.key in attempt.failed_questions]
    current = selectors.verification_current_pass(
        service_account=account, staff=request.user, contact=contact
    )
    audit_view(request=request, obj=account, citizen=account.citizen, detail={"page": "verify"})
    return render(
        request,
        "verification/verify.html",
        {
            "account": account,
            "citizen": account.citizen,
            "form": form,
            "attempt": attempt,
            "wrong_answers": wrong,
            "current": current,
            "contact": contact,
            "tries_left": max(settings.VERIFICATION_MAX_FAILURES - account.failed_attempts, 0),
            "lock_minutes": settings.VERIFICATION_LOCK_MINUTES,
            "locked": bool(account.locked_until and account.locked_until > timezone.now()),
        },
    )
