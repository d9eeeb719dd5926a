"""Residents' pages at /forms/<slug>/ (no account, no staff sign-in; namespace `forms_public`).

The draft being filled lives in the browser's session once the first page is saved; "save and
come back later" sends a link by email or a code by text message. A form that is not in the
public portal (staff-only, partner or unpublished) answers 404 whatever the address, and the
attempt is audited.
"""

from functools import wraps

from django import forms
from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from audit.services import audit_record
from citizens.normalise import phone_is_mobile, phone_normalise
from core.ratelimit import client_ip, rate_limit_hit, too_many_page
from forms_engine import already_reported, page_views, services
from forms_engine.definition import definition_for
from forms_engine.models import Submission
from forms_engine.selectors import form_public_get
from forms_engine.services.resume import draft_keep_until

SESSION_DRAFTS = "forms_drafts"

# (scope, setting, window in seconds, which requests count) — per client address.
PUBLIC_LIMITS = [
    ("forms-page", "FORMS_RATE_LIMIT_PAGES", 60, lambda request: True),
    ("forms-post", "FORMS_RATE_LIMIT_POSTS", 60, lambda request: request.method == "POST"),
    (
        "forms-upload",
        "FORMS_RATE_LIMIT_UPLOADS",
        3600,
        lambda request: request.method == "POST" and bool(request.FILES),
    ),
]


def public_rate_limit(view):
    """FORMS_RATE_LIMIT_PAGES pages a minute, FORMS_RATE_LIMIT_POSTS posts a minute and
    FORMS_RATE_LIMIT_UPLOADS posts with files an hour, per client address (core.ratelimit);
    429 with Retry-After above them."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        who = client_ip(request)
        for scope, setting, window, counts in PUBLIC_LIMITS:
            if not counts(request):
                continue
            decision = rate_limit_hit(
                scope=scope, key=who, limit=getattr(settings, setting), window=window
            )
            if not decision.allowed:
                return too_many_page(
                    request, decision=decision, template="forms_engine/public/too_many.html"
                )
        return view(request, *args, **kwargs)

    return wrapper


SESSION_DONE = "forms_done"


def _not_found(request, *, form=None):
    if form is not None:
        # Someone reached a form that is not public (guessed or old link): refuse and record it.
        audit_record(
            actor=None,
            action="view",
            obj=form,
            request=request,
            detail={"refused": "not a public form", "path": request.path[:200]},
        )
    return render(
        request,
        "forms_engine/public/not_found.html",
        {"council_name": settings.COUNCIL_NAME},
        status=404,
    )


class PublicFlow(page_views.Flow):
    base_template = "forms_engine/public_base.html"
    via = Submission.Via.PUBLIC
    can_save_later = True
    offers_already_reported = True

    @property
    def actor(self):
        return None  # a resident, even if a member of staff happens to be signed in

    def _url(self, name, **kwargs):
        return reverse(f"forms_public:{name}", kwargs={"slug": self.form.slug, **kwargs})

    def page_url(self, key):
        return self._url("page", page_key=key)

    def check_url(self):
        return self._url("check")

    def exit_url(self):
        return self._url("exit")

    def done_url(self):
        return self._url("done")

    def start_url(self):
        return self._url("start")

    def save_later_url(self):
        return self._url("save")

    def reported_url(self):
        return self._url("reported")

    def forget_draft(self):
        """The resident followed an open report instead: this browser starts afresh next time
        (the draft itself is kept, and removed by the retention sweep like any other)."""
        drafts = self.request.session.get(SESSION_DRAFTS, {})
        drafts.pop(self.form.slug, None)
        self.request.session[SESSION_DRAFTS] = drafts

    def ensure_submission(self):
        if self.submission is None:
            self.submission = services.submission_start(
                actor=None, form=self.form, via=Submission.Via.PUBLIC
            )
            drafts = self.request.session.get(SESSION_DRAFTS, {})
            drafts[self.form.slug] = self.submission.pk
            self.request.session[SESSION_DRAFTS] = drafts
        return self.submission


def _session_submission(request, form, key=SESSION_DRAFTS):
    pk = request.session.get(key, {}).get(form.slug)
    if pk is None:
        return None
    submission = (
        Submission.objects.select_related("version", "request", "form")
        .filter(pk=pk, form=form)
        .first()
    )
    if submission is None or (key == SESSION_DRAFTS and not submission.is_draft):
        return None
    return submission


def _flow(request, slug, *, done=False):
    form, reachable = form_public_get(slug=slug)
    if not reachable:
        return None, _not_found(request, form=form)
    submission = _session_submission(request, form, SESSION_DONE if done else SESSION_DRAFTS)
    if submission is None and not done:
        # A draft sent from another tab moves to "done"; show its confirmation, not a new form.
        version = form.current_version
    else:
        version = submission.version if submission else form.current_version
    flow = PublicFlow(
        request, form=form, definition=definition_for(version), submission=submission
    )
    return flow, None


@never_cache
@public_rate_limit
def start(request, slug):
    flow, refused = _flow(request, slug)
    if refused:
        return refused
    first = flow.definition.pages[0].key if flow.definition.pages else None
    context = {
        **flow.context(),
        "description": flow.definition.description,
        "first_url": flow.page_url(first) if first else "",
        "continue_url": flow.position_url(flow.submission.current_page) if flow.submission else "",
        "keep_until": draft_keep_until(flow.submission) if flow.submission else "",
        "draft_days": flow.form.draft_retention_days,
    }
    return render(request, "forms_engine/public/start.html", context)


@never_cache
@public_rate_limit
def page(request, slug, page_key):
    flow, refused = _flow(request, slug)
    if refused:
        return refused
    return page_views.page_view(request, flow, page_key)


@never_cache
@public_rate_limit
def check(request, slug):
    flow, refused = _flow(request, slug)
    if refused:
        return refused
    sent_here = slug in request.session.get(SESSION_DONE, {})
    if flow.submission is None and sent_here and request.method == "POST":
        # A second "Accept and send" (a double click): the form is sent, show the confirmation.
        return redirect(flow.done_url())
    response = page_views.check_view(request, flow)
    if flow.submission is not None and not flow.submission.is_draft:
        _remember_done(request, flow)
    return response


@never_cache
@public_rate_limit
def reported(request, slug):
    flow, refused = _flow(request, slug)
    if refused:
        return refused
    return already_reported.reported_view(request, flow)


def _remember_done(request, flow):
    done = request.session.get(SESSION_DONE, {})
    done[flow.form.slug] = flow.submission.pk
    request.session[SESSION_DONE] = done
    drafts = request.session.get(SESSION_DRAFTS, {})
    drafts.pop(flow.form.slug, None)
    request.session[SESSION_DRAFTS] = drafts


@never_cache
@public_rate_limit
def exit_page(request, slug):
    flow, refused = _flow(request, slug)
    if refused:
        return refused
    return page_views.exit_view(request, flow)


@never_cache
@public_rate_limit
def done(request, slug):
    flow, refused = _flow(request, slug, done=True)
    if refused:
        return refused
    if flow.submission is None:
        # Sent from another tab of this browser: the draft in the session is now submitted.
        pk = request.session.get(SESSION_DRAFTS, {}).get(slug)
        sent = Submission.objects.filter(pk=pk, form=flow.form).exclude(status="draft").first()
        if sent is not None:
            flow.submission = sent
            _remember_done(request, flow)
    return page_views.done_view(request, flow)


# --- save and come back later -------------------------------------------------------------


class SaveLaterForm(forms.Form):
    how = forms.ChoiceField(
        choices=[("email", "Email me a link"), ("sms", "Text me a code")],
        widget=forms.RadioSelect,
        label="How should we send it?",
        error_messages={"required": "Select how we should send it"},
    )
    name = forms.CharField(
        label="Your full name",
        max_length=200,
        error_messages={"required": "Enter your full name"},
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )
    mobile = forms.CharField(label="UK mobile number", required=False, max_length=30)

    def clean(self):
        data = super().clean()
        how = data.get("how")
        if how == "email" and not data.get("email") and "email" not in self.errors:
            self.add_error("email", "Enter your email address")
        if how == "sms":
            raw = data.get("mobile", "")
            if not raw:
                self.add_error("mobile", "Enter your UK mobile number")
            else:
                try:
                    number = phone_normalise(raw)
                except ValueError:
                    number = ""
                if not number or not phone_is_mobile(number):
                    self.add_error("mobile", "Enter a UK mobile number, like 07700 900 982")
                else:
                    data["mobile"] = number
        return data


@never_cache
@public_rate_limit
def save_later(request, slug):
    flow, refused = _flow(request, slug)
    if refused:
        return refused
    if flow.submission is None:
        return redirect(flow.start_url())
    submission = flow.submission
    form = SaveLaterForm(
        request.POST or None,
        initial={"name": submission.applicant_name, "email": submission.applicant_email},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["how"] == "email":
            services.resume_link_send(
                actor=None, submission=submission, email=data["email"], name=data["name"]
            )
            sent_to = data["email"]
        else:
            services.resume_code_send(
                actor=None, submission=submission, mobile=data["mobile"], name=data["name"]
            )
            sent_to = data["mobile"]
        request.session["forms_saved_to"] = {"how": data["how"], "to": sent_to}
        return redirect(reverse("forms_public:saved", kwargs={"slug": slug}))
    context = {
        **flow.context(),
        "save_form": form,
        "keep_until": draft_keep_until(submission),
        "back_url": flow.position_url(submission.current_page),
    }
    return render(request, "forms_engine/public/save_later.html", context)


@never_cache
@public_rate_limit
def saved(request, slug):
    flow, refused = _flow(request, slug)
    if refused:
        return refused
    if flow.submission is None:
        return redirect(flow.start_url())
    context = {
        **flow.context(),
        "sent": request.session.get("forms_saved_to", {}),
        "keep_until": draft_keep_until(flow.submission),
        "continue_url": flow.position_url(flow.submission.current_page),
    }
    return render(request, "forms_engine/public/saved.html", context)


def _resume_into_session(request, submission):
    drafts = request.session.get(SESSION_DRAFTS, {})
    drafts[submission.form.slug] = submission.pk
    request.session[SESSION_DRAFTS] = drafts
    request.session.cycle_key()  # a fresh session id for the resumed draft


@never_cache
@public_rate_limit
def resume_link(request, token):
    try:
        submission = services.resume_link_use(token=token)
    except services.ResumeRefused as exc:
        return render(
            request,
            "forms_engine/public/resume_problem.html",
            {"council_name": settings.COUNCIL_NAME, "message": str(exc)},
            status=410,
        )
    _resume_into_session(request, submission)
    return redirect(
        reverse("forms_public:start", kwargs={"slug": submission.form.slug}) + "?resumed=1"
    )


class ResumeCodeForm(forms.Form):
    mobile = forms.CharField(
        label="UK mobile number",
        max_length=30,
        error_messages={"required": "Enter the mobile number we sent the code to"},
    )
    code = forms.CharField(
        label="Code",
        max_length=20,
        error_messages={"required": "Enter the code from the text message"},
    )

    def clean_mobile(self):
        try:
            return phone_normalise(self.cleaned_data["mobile"])
        except ValueError as exc:
            raise forms.ValidationError("Enter a UK mobile number, like 07700 900 982") from exc


@never_cache
@public_rate_limit
def resume_code(request, slug):
    flow, refused = _flow(request, slug)
    if refused:
        return refused
    form = ResumeCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            submission = services.resume_code_use(
                form=flow.form, mobile=form.cleaned_data["mobile"], code=form.cleaned_data["code"]
            )
        except services.ResumeRefused as exc:
            form.add_error("code", str(exc))
            status = 400
        else:
            _resume_into_session(request, submission)
            return redirect(flow.start_url() + "?resumed=1")
    context = {**flow.context(), "code_form": form, "back_url": flow.start_url()}
    return render(request, "forms_engine/public/resume_code.html", context, status=status)
