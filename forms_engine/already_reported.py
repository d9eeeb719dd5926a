""" "Has this been reported already?" inside a resident's form.

When a form starts a request about a place (its process is place-based) and the resident has
just given the place (an address field answered), open reports of that kind nearby are shown
with only what may be published (`requests_tracking.publishing`), each with "follow this
report instead". The resident can still carry on with their own report: the offer is made once
per place, and nothing they answered is lost either way.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from forms_engine.logic import evaluate
from requests_tracking import publishing
from requests_tracking import services as requests_services
from requests_tracking.forms import FollowForm
from requests_tracking.models import Process, RequestFollowerEmail

SESSION_SEEN = "forms_reported_seen"
OFFER_LIMIT = 5


def _process(definition, answers):
    code = evaluate(definition, answers).routing.get("process_code") or definition.process_code
    if not code:
        return None
    return Process.objects.filter(code=code, is_current=True, active=True).first()


def _place(page, answers) -> dict:
    """The place the resident gave on this page (address field), as the finder takes it."""
    for fd in page.fields:
        value = answers.get(fd.key)
        if fd.kind == "address" and isinstance(value, dict):
            if value.get("uprn"):
                return {"uprn": value["uprn"]}
            if value.get("postcode"):
                return {"postcode": value["postcode"]}
    return {}


def _seen_key(submission, place) -> str:
    return f"{submission.pk}:{place.get('uprn') or place.get('postcode')}"


def offer_after_page(request, flow, page, submission, next_url):
    """A redirect to the offer when this page gave a place with open reports nearby, else None."""
    place = _place(page, submission.answers)
    if not place or not flow.offers_already_reported:
        return None
    if _seen_key(submission, place) in request.session.get(SESSION_SEEN, []):
        return None
    process = _process(flow.definition, submission.answers)
    if process is None or not process.place_based:
        return None
    if not publishing.public_reports_nearby(process=process, limit=1, **place):
        return None
    return redirect(flow.reported_url() + "?" + urlencode({"next": next_url}))


def _safe_next(request, flow):
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    prefix = flow.start_url()
    if candidate.startswith(prefix) and url_has_allowed_host_and_scheme(candidate, None):
        return candidate
    return flow.position_url(flow.submission.current_page) if flow.submission else prefix


def reported_view(request, flow):
    """GET: the open reports nearby. POST "continue": carry on with the form (not offered again
    for this place). POST "follow": follow the chosen report instead of sending the form."""
    submission = flow.submission
    if submission is None or not submission.is_draft:
        return redirect(flow.start_url())
    next_url = _safe_next(request, flow)
    page = next((p for p in flow.definition.pages if _place(p, submission.answers)), None)
    place = _place(page, submission.answers) if page else {}
    process = _process(flow.definition, submission.answers)
    if not place or process is None or not process.place_based:
        return redirect(next_url)
    reports = publishing.public_reports_nearby(process=process, limit=OFFER_LIMIT, **place)
    follow_form = FollowForm(initial={"email": submission.applicant_email})
    chosen = None
    if request.method == "POST":
        if request.POST.get("action") == "continue" or not reports:
            seen = request.session.get(SESSION_SEEN, [])
            request.session[SESSION_SEEN] = [*seen[-49:], _seen_key(submission, place)]
            return redirect(next_url)
        chosen = next((r for r in reports if r.reference == request.POST.get("reference")), None)
        follow_form = FollowForm(request.POST)
        if chosen is None:
            messages.error(request, "That report is closed now. Choose another or carry on.")
            return redirect(request.get_full_path())
        if follow_form.is_valid():
            service_request = publishing.public_request_get(reference=chosen.reference)
            try:
                if service_request is None:
                    raise requests_services.TransitionRefused(
                        "That report is closed now, so it cannot be followed."
                    )
                sign_up = requests_services.request_follow_instead(
                    actor=None,
                    service_request=service_request,
                    email=follow_form.cleaned_data["email"],
                    via=f"online form {flow.definition.name}",
                    source=RequestFollowerEmail.Source.FORM,
                )
            except requests_services.TransitionRefused as exc:
                follow_form.add_error("email", str(exc))
            except ValidationError as exc:
                follow_form.add_error("email", " ".join(exc.messages))
            else:
                flow.forget_draft()
                return render(
                    request,
                    "forms_engine/public/followed.html",
                    {
                        **flow.context(),
                        "report": chosen,
                        "email": follow_form.cleaned_data["email"],
                        "sign_up": sign_up,
                        "council_name": settings.COUNCIL_NAME,
                    },
                )
    context = {
        **flow.context(),
        "reports": reports,
        "process": process,
        "follow_form": follow_form,
        "chosen_reference": chosen.reference if chosen else "",
        "next_url": next_url,
        "back_url": flow.page_url(page.key) if page else flow.start_url(),
        "action_url": reverse("forms_public:reported", kwargs={"slug": flow.form.slug}),
    }
    return render(request, "forms_engine/public/already_reported.html", context)
