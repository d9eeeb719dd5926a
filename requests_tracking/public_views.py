"""The citizen's tracking page, reached by the signed link in their messages (no sign-in).

Shows only what the citizen may see: the stages with their citizen-facing descriptions, where the
request is, its dates, notes marked visible to the citizen — never internal notes, staff names or
anyone else's details. Citizens answer information requests (with a checked file) and ask for
updates by email; every post redirects to the page with a banner so nothing is sent twice.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from audit.services import audit_record
from requests_tracking import selectors, services
from requests_tracking.forms import FollowForm, PublicReplyForm
from requests_tracking.public_links import request_pk_from_token, tracking_path

NOT_FOUND_TEMPLATE = "requests_tracking/public_not_found.html"


def _request_or_none(token):
    pk = request_pk_from_token(token)
    return selectors.request_public_get(pk=pk) if pk is not None else None


def _not_found(request):
    return render(request, NOT_FOUND_TEMPLATE, {"council_name": settings.COUNCIL_NAME}, status=404)


def _page(request, service_request, *, reply_form=None, follow_form=None, status=200):
    notes = selectors.request_public_notes(service_request=service_request)
    context = {
        "service_request": service_request,
        "plan": selectors.request_stage_plan(service_request=service_request),
        "notes": notes,
        "questions": selectors.request_open_questions(
            service_request=service_request, notes=notes
        ),
        "files": selectors.request_public_evidence(service_request=service_request),
        "reply_form": reply_form or PublicReplyForm(),
        "follow_form": follow_form or FollowForm(),
        "track_token": request.resolver_match.kwargs["token"],
        "error_form": next((f for f in (reply_form, follow_form) if f and f.errors), None),
    }
    return render(request, "requests_tracking/public_track.html", context, status=status)


@never_cache
def track(request, token):
    service_request = _request_or_none(token)
    if service_request is None:
        return _not_found(request)
    audit_record(
        actor=None,
        action="view",
        obj=service_request,
        citizen=service_request.citizen,
        detail={"via": "tracking link"},
    )
    return _page(request, service_request)


@never_cache
@require_POST
def track_reply(request, token):
    service_request = _request_or_none(token)
    if service_request is None:
        return _not_found(request)
    form = PublicReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, service_request, reply_form=form)
    upload = form.cleaned_data["file"]
    try:
        services.request_citizen_answer(
            actor=None,
            service_request=service_request,
            text=form.cleaned_data["text"],
            upload=upload,
            stored_name=upload.stored_name if upload else "",
            original_name=form.original_name() if upload else "",
            content_type=upload.detected_type if upload else "",
        )
    except services.TransitionRefused:
        # Answered already (another tab, or by phone): keep their words on screen, say why.
        form.add_error(
            "text",
            "We are not waiting for an answer on this request any more. If you need to tell us "
            "something, please contact us quoting " + service_request.reference + ".",
        )
        return _page(request, service_request, reply_form=form, status=409)
    except ValidationError as exc:
        form.add_error("text", " ".join(exc.messages))
        return _page(request, service_request, reply_form=form)
    messages.success(
        request, "Thank you. We have your answer and will carry on with your request."
    )
    return redirect(tracking_path(service_request) + "#updates")


@never_cache
@require_POST
def track_follow(request, token):
    service_request = _request_or_none(token)
    if service_request is None:
        return _not_found(request)
    form = FollowForm(request.POST)
    if not form.is_valid():
        return _page(request, service_request, follow_form=form)
    try:
        services.request_follow_email(
            actor=None, service_request=service_request, email=form.cleaned_data["email"]
        )
    except ValidationError as exc:
        form.add_error("email", " ".join(exc.messages))
        return _page(request, service_request, follow_form=form)
    messages.success(
        request, f"We will email {form.cleaned_data['email']} when this request moves on."
    )
    return redirect(tracking_path(service_request))
