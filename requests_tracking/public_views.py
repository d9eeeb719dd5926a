"""The citizen's tracking page, reached by the signed link in their messages (no sign-in).

Shows only what the citizen may see: the stages with their citizen-facing descriptions, where the
request is, its dates, notes marked visible to the citizen — never internal notes, staff names or
anyone else's details. Citizens answer information requests (with a checked file) and ask for
updates by email; every post redirects to the page with a banner so nothing is sent twice.
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from audit.models import AuditEvent
from audit.services import audit_record
from core.actors import Actor
from core.ratelimit import (
    client_ip,
    once_per,
    rate_limit_hit,
    rate_limit_peek,
    too_many_page,
)
from requests_tracking import publishing, selectors, services
from requests_tracking.forms import FollowForm, PublicReplyForm
from requests_tracking.public_links import (
    follower_from_stop_token,
    follower_id_from_confirm_token,
    follower_view_path,
    request_pk_from_follower_view_token,
    request_pk_from_token,
    tracking_path,
)

NOT_FOUND_TEMPLATE = "requests_tracking/public_not_found.html"
TOO_MANY_TEMPLATE = "requests_tracking/public_too_many.html"
GUESS_WINDOW = 3600
AUDIT_VIEW_WINDOW = 3600


def tracking_rate_limit(view):
    """Per client address (core.ratelimit): TRACKING_RATE_LIMIT_PAGES requests a minute,
    TRACKING_RATE_LIMIT_POSTS posts a minute, and TRACKING_RATE_LIMIT_GUESSES links that lead
    nowhere (404) an hour — past that every tracking page answers 429 until the hour is up, so
    signed links cannot be guessed at speed. 429 pages say how long to wait."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        who = client_ip(request)
        guesses = settings.TRACKING_RATE_LIMIT_GUESSES
        decision = rate_limit_peek(
            scope="tracking-guess", key=who, limit=guesses, window=GUESS_WINDOW
        )
        if decision.allowed:
            decision = rate_limit_hit(
                scope="tracking-page",
                key=who,
                limit=settings.TRACKING_RATE_LIMIT_PAGES,
                window=60,
            )
        if decision.allowed and request.method == "POST":
            decision = rate_limit_hit(
                scope="tracking-post",
                key=who,
                limit=settings.TRACKING_RATE_LIMIT_POSTS,
                window=60,
            )
        if not decision.allowed:
            return too_many_page(request, decision=decision, template=TOO_MANY_TEMPLATE)
        response = view(request, *args, **kwargs)
        if response.status_code == 404:
            rate_limit_hit(scope="tracking-guess", key=who, limit=guesses, window=GUESS_WINDOW)
        return response

    return wrapper


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


@tracking_rate_limit
@never_cache
def track(request, token):
    service_request = _request_or_none(token)
    if service_request is None:
        return _not_found(request)
    # One audit row per link per hour, not one per hit (a citizen reloading the page, a mail
    # scanner, a shared link): enough to say who could see it when, without flooding the trail.
    if once_per(scope="tracking-audited", key=str(service_request.pk), window=AUDIT_VIEW_WINDOW):
        audit_record(
            actor=Actor.citizen("Citizen (tracking link)"),
            action=AuditEvent.Action.VIEW,
            obj=service_request,
            citizen=service_request.citizen,
            detail={"via": "tracking link"},
        )
    return _page(request, service_request)


@tracking_rate_limit
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


@tracking_rate_limit
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
        signup = services.follower_email_add(
            actor=None, service_request=service_request, email=form.cleaned_data["email"]
        )
    except ValidationError as exc:
        form.add_error("email", " ".join(exc.messages))
        return _page(request, service_request, follow_form=form)
    email = signup.follower.email
    if signup.outcome == "already_following":
        messages.success(request, f"{email} already gets updates about this request.")
    else:
        deadline = services.follower_confirm_deadline(signup.follower)
        messages.success(
            request,
            f"We have sent an email to {email}. Open the link in it by "
            f"{timezone.localtime(deadline):%-d %B %Y} to start getting updates.",
        )
    return redirect(tracking_path(service_request))


@never_cache
def follower_view(request, token):
    """What a follower may see: the kind of request, where it is and its dates (the public,
    publishable view). Not the reporter's description, notes, questions or files, and no way
    to answer for them."""
    pk = request_pk_from_follower_view_token(token)
    service_request = selectors.request_public_get(pk=pk) if pk is not None else None
    if service_request is None:
        return _not_found(request)
    context = {
        "council_name": settings.COUNCIL_NAME,
        "service_request": service_request,
        "report": publishing.public_reports([service_request])[0],
        "plan": selectors.request_stage_plan(service_request=service_request),
    }
    return render(request, "requests_tracking/public_follower_view.html", context)


def _follower_page(request, *, title, lines, service_request=None, status=200, form=None):
    context = {
        "council_name": settings.COUNCIL_NAME,
        "title": title,
        "lines": lines,
        "service_request": service_request,
        # Followers are strangers to the reporter: they get the follower's view, never the
        # reporter's tracking page.
        "track_path": follower_view_path(service_request) if service_request else "",
        "form": form,
    }
    return render(request, "requests_tracking/public_follower.html", context, status=status)


@tracking_rate_limit
@never_cache
def follower_confirm(request, token):
    """The link in the first email. Opening it shows one button: mail scanners that open every
    link must not be able to confirm an address for its owner."""
    follower_id = follower_id_from_confirm_token(token)
    follower = selectors.follower_email_get(pk=follower_id) if follower_id else None
    if follower is None:
        return _not_found(request)
    service_request = follower.request
    if request.method == "POST":
        try:
            services.follower_email_confirm(follower_id=follower.pk)
        except services.FollowerLinkInvalid as exc:
            return _follower_page(
                request,
                title="This link cannot be used",
                lines=[str(exc)],
                service_request=service_request,
                status=410,
            )
        messages.success(
            request,
            f"Thank you. We will email {follower.email} when this request moves on.",
        )
        return redirect(follower_view_path(service_request))
    if follower.status == follower.Status.CONFIRMED:
        return _follower_page(
            request,
            title="You already get updates",
            lines=[f"We email {follower.email} when {service_request.reference} moves on."],
            service_request=service_request,
        )
    return _follower_page(
        request,
        title=f"Get updates about {service_request.reference}",
        lines=[f"Confirm that you want us to email {follower.email} when this request moves on."],
        service_request=service_request,
        form=True,
    )


@tracking_rate_limit
@never_cache
def follower_stop(request, token):
    """One click from any message to a follower: updates stop at once, no sign-in, no form."""
    found = follower_from_stop_token(token)
    stopped = services.follower_stop(kind=found[0], ids=found[1]) if found else None
    if stopped is None:
        return _not_found(request)
    reference = stopped.service_request.reference
    return _follower_page(
        request,
        title="You will not get any more updates",
        lines=[
            f"We have stopped sending updates about request {reference}"
            + (f" to {stopped.who}." if stopped.who != "you" else "."),
            "You can ask for updates again on the request's page.",
        ],
        service_request=stopped.service_request,
    )
