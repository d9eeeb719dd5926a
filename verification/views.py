from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

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
    form = VerificationForm(request.POST or None, kind=account.kind)
    attempt = None
    if request.method == "POST" and form.is_valid():
        attempt = services.verification_attempt(
            actor=request.user, service_account=account, answers=form.cleaned_data, contact=contact
        )
        if attempt.result == "pass":
            messages.success(request, f"Verified for {account.get_kind_display().lower()}.")
            return redirect(account.citizen)
        account.refresh_from_db()
        form = VerificationForm(kind=account.kind)  # never echo answers back
    current = selectors.verification_current_pass(
        service_account=account, staff=request.user, contact=contact
    )
    questions = {q.key: q for q in questions_for(account.kind)}
    return render(
        request,
        "verification/verify.html",
        {
            "account": account,
            "citizen": account.citizen,
            "form": form,
            "attempt": attempt,
            "current": current,
            "contact": contact,
            "failed_labels": [
                questions[k].label for k in (attempt.failed_questions if attempt else [])
            ],
            "locked": bool(account.locked_until and account.locked_until > timezone.now()),
        },
    )
