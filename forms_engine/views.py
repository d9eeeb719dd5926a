"""Staff pages: portals, filling in a form on a citizen's behalf (from the record, during a
contact), submissions, files, linking a resident's submission to a citizen, and each form's
submissions list with its CSV export and completion figures."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from audit.services import audit_record, audit_view
from citizens.models import Citizen
from contacts.selectors import contact_open_for
from core.filters import day_start
from core.uploads import attachment_response
from forms_engine import page_views, selectors, services
from forms_engine.definition import definition_for
from forms_engine.export import submissions_csv_response
from forms_engine.filling import CHECK
from forms_engine.forms import LinkCitizenForm, SubmissionFilterForm
from forms_engine.models import Form, Portal, Submission, SubmissionFile


class StaffFlow(page_views.Flow):
    base_template = "forms_engine/staff_fill_base.html"

    def _url(self, name):
        return reverse(f"forms_engine:{name}", kwargs={"pk": self.submission.pk})

    def page_url(self, key):
        return reverse(
            "forms_engine:fill_page", kwargs={"pk": self.submission.pk, "page_key": key}
        )

    def check_url(self):
        return self._url("fill_check")

    def exit_url(self):
        return self._url("fill_exit")

    def done_url(self):
        return self._url("fill_done")

    def start_url(self):
        return self._url("submission")

    can_save_later = True

    def context(self):
        return {**super().context(), "citizen": self.submission.citizen}

    def save_later_url(self):
        if self.submission.citizen_id:
            return self.submission.citizen.get_absolute_url()
        return reverse("forms_engine:index")

    def after_save_later(self):
        messages.success(
            self.request,
            f"{self.definition.name}: the draft is saved. Continue it from the citizen's record "
            "or your portal.",
        )
        return redirect(self.save_later_url())


def _can_use(user, submission) -> bool:
    if selectors.is_partner_only(user):
        return submission.started_by_id == user.pk and selectors.form_can_fill(
            user, submission.form
        )
    return user.has_perm("forms_engine.change_submission") or (submission.started_by_id == user.pk)


def _submission_for(request, pk, *, draft_only=False):
    submission = get_object_or_404(
        Submission.objects.select_related("form", "version", "citizen", "request", "contact"),
        pk=pk,
    )
    if not _can_use(request.user, submission):
        raise PermissionDenied
    if draft_only and not submission.is_draft:
        return submission, redirect(
            reverse("forms_engine:fill_done", kwargs={"pk": submission.pk})
        )
    return submission, None


def _flow(request, submission):
    return StaffFlow(
        request,
        form=submission.form,
        definition=definition_for(submission.version),
        submission=submission,
    )


@permission_required("forms_engine.add_submission", raise_exception=True)
def portal_index(request):
    portals = list(selectors.portals_for_staff(request.user).prefetch_related("forms"))
    fillable = set(selectors.forms_for_staff(request.user).values_list("pk", flat=True))
    for portal in portals:
        portal.fillable = [f for f in portal.forms.all() if f.pk in fillable]
    return render(request, "forms_engine/portal_index.html", {"portals": portals})


@permission_required("forms_engine.add_submission", raise_exception=True)
def portal(request, slug):
    portal = get_object_or_404(selectors.portals_for_staff(request.user), slug=slug)
    forms = selectors.forms_for_staff(request.user).filter(portals=portal)
    mine = (
        Submission.objects.filter(started_by=request.user, status=Submission.Status.DRAFT)
        .filter(form__in=forms)
        .select_related("form")[:20]
    )
    return render(
        request, "forms_engine/portal.html", {"portal": portal, "forms": forms, "drafts": mine}
    )


@require_POST
@permission_required("forms_engine.add_submission", raise_exception=True)
def start(request, slug):
    form = get_object_or_404(Form, slug=slug)
    if not selectors.form_can_fill(request.user, form):
        raise Http404
    citizen = None
    if request.POST.get("citizen"):
        if not request.user.has_perm("citizens.view_citizen"):
            raise PermissionDenied
        citizen = get_object_or_404(Citizen, pk=request.POST["citizen"])
    contact = contact_open_for(staff=request.user)
    if contact is not None and citizen is not None and contact.citizen_id != citizen.pk:
        contact = None  # a contact with someone else is not this form's channel
    try:
        submission = services.submission_start(
            actor=request.user,
            form=form,
            via=Submission.Via.PARTNER
            if selectors.is_partner_only(request.user)
            else Submission.Via.STAFF,
            citizen=citizen,
            contact=contact,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(citizen.get_absolute_url() if citizen else "forms_engine:index")
    return redirect(_flow(request, submission).position_url(submission.current_page))


@require_POST
@permission_required("forms_engine.add_submission", raise_exception=True)
def start_from_record(request):
    """The record panel's "Fill in a form": the form is chosen in the POST."""
    slug = request.POST.get("form_slug", "")
    if not slug:
        raise Http404
    return start(request, slug)


@permission_required("forms_engine.view_submission", raise_exception=True)
def submission_detail(request, pk):
    submission, _ = _submission_for(request, pk)
    if submission.is_draft:
        return redirect(_flow(request, submission).position_url(submission.current_page or CHECK))
    flow = _flow(request, submission)
    from forms_engine.filling import answer_rows
    from forms_engine.logic import evaluate

    files = list(SubmissionFile.objects.filter(submission=submission))
    state = evaluate(flow.definition, submission.answers)
    rows = answer_rows(
        flow.definition,
        submission.answers,
        state,
        file_names={f.pk: f.original_name for f in files},
    )
    audit_record(
        actor=request.user,
        action="view",
        obj=submission,
        citizen=submission.citizen,
        request=request,
    )
    context = {
        "submission": submission,
        "definition": flow.definition,
        "rows": rows,
        "files": files,
        "link_form": LinkCitizenForm(),
    }
    return render(request, "forms_engine/submission_detail.html", context)


def fill_page(request, pk, page_key):
    if not request.user.has_perm("forms_engine.add_submission"):
        raise PermissionDenied
    submission, done = _submission_for(request, pk, draft_only=True)
    if done:
        return done
    audit_view(request=request, obj=submission, citizen=submission.citizen)
    return page_views.page_view(request, _flow(request, submission), page_key)


def fill_check(request, pk):
    if not request.user.has_perm("forms_engine.add_submission"):
        raise PermissionDenied
    submission, done = _submission_for(request, pk, draft_only=True)
    if done:
        return done
    audit_view(request=request, obj=submission, citizen=submission.citizen)
    return page_views.check_view(request, _flow(request, submission))


def fill_exit(request, pk):
    if not request.user.has_perm("forms_engine.add_submission"):
        raise PermissionDenied
    submission, done = _submission_for(request, pk, draft_only=True)
    if done:
        return done
    return page_views.exit_view(request, _flow(request, submission))


def fill_done(request, pk):
    if not request.user.has_perm("forms_engine.view_submission"):
        raise PermissionDenied
    submission, _ = _submission_for(request, pk)
    audit_view(request=request, obj=submission, citizen=submission.citizen)
    return page_views.done_view(request, _flow(request, submission))


@permission_required("forms_engine.view_submission", raise_exception=True)
def file_download(request, pk, file_pk):
    submission, _ = _submission_for(request, pk)
    row = get_object_or_404(SubmissionFile, pk=file_pk, submission=submission)
    audit_record(
        actor=request.user,
        action="download",
        obj=row,
        citizen=submission.citizen,
        request=request,
        detail={"submission": str(submission), "file": row.original_name},
    )
    return attachment_response(
        row.file.open("rb"),
        original_name=row.original_name,
        stored_name=row.stored_name,
        content_type=row.content_type,
    )


@permission_required("forms_engine.change_submission", raise_exception=True)
def unlinked(request):
    page = Paginator(selectors.submissions_list(filters={"needs_link": True}), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "forms_engine/unlinked.html", {"page": page})


@require_POST
@permission_required("forms_engine.change_submission", raise_exception=True)
def link_citizen(request, pk):
    submission, _ = _submission_for(request, pk)
    form = LinkCitizenForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect(submission.get_absolute_url())
    citizen = form.cleaned_data["citizen"]
    services.submission_link_citizen(actor=request.user, submission=submission, citizen=citizen)
    messages.success(request, f"{submission} is now on {citizen.reference}'s record.")
    return redirect(submission.get_absolute_url())


@permission_required("forms_engine.export_submission", raise_exception=True)
def form_submissions(request, slug):
    form = get_object_or_404(Form.objects.select_related("current_version"), slug=slug)
    filters = SubmissionFilterForm(request.GET or None, form=form)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    queryset = selectors.submissions_list(form=form, filters=cleaned)
    if request.GET.get("format") == "csv" and filters.is_valid():
        version = cleaned.get("version") or form.current_version
        audit_record(
            actor=request.user,
            action="export",
            obj=form,
            request=request,
            detail={
                "version": version.number if version else None,
                "filters": request.GET.urlencode(),
            },
        )
        return submissions_csv_response(form=form, version=version, queryset=queryset)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    # The completion figures count forms *started* in the dates chosen (whole UK days).
    since, until = cleaned.get("from"), cleaned.get("to")
    funnel = selectors.form_funnel(
        form=form,
        since=day_start(since) if since else None,
        until=day_start(until + datetime.timedelta(days=1)) if until else None,
    )
    context = {
        "form_obj": form,
        "filters": filters,
        "page": page,
        "funnel": funnel,
        "query": request.GET.copy(),
    }
    return render(request, "forms_engine/form_submissions.html", context)


@permission_required("forms_engine.export_submission", raise_exception=True)
def portal_admin_list(request):
    forms = Form.objects.select_related("service_area", "current_version").order_by("name")
    return render(request, "forms_engine/forms_list.html", {"forms": forms, "Portal": Portal})
