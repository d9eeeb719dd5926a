"""The public "already reported?" page: before reporting a problem at a place, a resident sees
the open reports of that kind nearby (only what may be published) and can follow one for
updates instead of reporting it again. No sign-in; rate limited like the tracking page."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from citizens.normalise import looks_like_postcode
from core.ratelimit import client_ip, rate_limit_hit, too_many_page
from places.selectors import address_get, address_search
from requests_tracking import publishing, services
from requests_tracking.forms import AlreadyReportedForm, FollowForm
from requests_tracking.models import RequestFollowerEmail

PICK_LIMIT = 20


def _place(data):
    """(place kwargs for the finder, the address list to pick from, a plain problem)."""
    uprn = data.get("uprn") or ""
    if uprn:
        address = address_get(uprn=uprn)
        if address is None:
            return None, [], "We could not find that address. Search again."
        return {"uprn": uprn}, [], address.label
    where = (data.get("where") or "").strip()
    if looks_like_postcode(where):
        return {"postcode": where}, [], where.upper()
    found = address_search(q=where, limit=PICK_LIMIT)
    if not found:
        return (
            None,
            [],
            (f'We could not find "{where}". Check it, or try the postcode (like RG1 1AA).'),
        )
    if len(found) == 1:
        return {"uprn": found[0].uprn}, [], found[0].label
    return None, found, ""


@never_cache
def already_reported(request):
    form = AlreadyReportedForm(request.GET or None)
    context = {"form": form, "council_name": settings.COUNCIL_NAME}
    if form.is_bound and form.is_valid():
        place, choices, label = _place(form.cleaned_data)
        if place is None and not choices:
            form.add_error("where", label)
        elif choices:
            base = {"process": form.cleaned_data["process"].pk}
            context["choices"] = [(a, "?" + urlencode({**base, "uprn": a.uprn})) for a in choices]
        else:
            process = form.cleaned_data["process"]
            context.update(
                {
                    "process": process,
                    "place_label": label,
                    "reports": publishing.public_reports_nearby(process=process, **place),
                    "follow_form": FollowForm(),
                    "back": request.get_full_path(),
                }
            )
    context["error_form"] = form if form.errors else None
    return render(request, "requests_tracking/already_reported.html", context)


@never_cache
@require_POST
def already_reported_follow(request):
    # Each follow sends an email: REPORTED_RATE_LIMIT_FOLLOWS an hour per client address.
    decision = rate_limit_hit(
        scope="reported-follow",
        key=client_ip(request),
        limit=settings.REPORTED_RATE_LIMIT_FOLLOWS,
        window=3600,
    )
    if not decision.allowed:
        return too_many_page(
            request, decision=decision, template="requests_tracking/public_too_many.html"
        )
    back = request.POST.get("back", "")
    if not back.startswith(reverse("already_reported:page")):
        back = reverse("already_reported:page")
    service_request = publishing.public_request_get(reference=request.POST.get("reference", ""))
    if service_request is None:
        messages.error(request, "That report is closed now, so it cannot be followed.")
        return redirect(back)
    form = FollowForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["email"]))
        return redirect(back)
    try:
        sign_up = services.request_follow_instead(
            actor=None,
            service_request=service_request,
            email=form.cleaned_data["email"],
            via="already reported page",
            source=RequestFollowerEmail.Source.FOLLOW_INSTEAD,
        )
    except services.TransitionRefused as exc:
        messages.error(request, str(exc))
        return redirect(back)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    email = form.cleaned_data["email"]
    if sign_up.outcome == "already_following":
        messages.success(request, f"{email} already gets updates about this report.")
    else:
        messages.success(
            request,
            f"Thank you. We have emailed {email} a link: open it within 7 days to start getting "
            "updates about this report. You do not need to report it again.",
        )
    return redirect(back)
