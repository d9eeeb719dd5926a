"""Staff screens: the request list, raising a request, the request page and its case work."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from audit.services import audit_record
from citizens.models import Citizen
from contacts.selectors import contact_open_for
from core.uploads import attachment_response
from requests_tracking import selectors, services
from requests_tracking.filters import RequestFilter
from requests_tracking.forms import (
    AssignForm,
    DueChangeForm,
    DuplicateForm,
    EvidenceForm,
    NoteForm,
    QuestionForm,
    ReasonForm,
    ReplyForm,
    RequestCreateForm,
    ResolveForm,
)
from requests_tracking.models import Evidence, Request
from requests_tracking.public_links import follower_view_url, tracking_url

PAGE_SIZE = 25


@permission_required("requests_tracking.view_request", raise_exception=True)
def request_list(request):
    # Officers open the list on what they work: their areas' open requests, most urgent
    # first. A redirect, so the URL says what is shown and can be changed or shared.
    if (
        not request.GET
        and request.user.has_perm("requests_tracking.work_request")
        and selectors.staff_area_ids(staff=request.user)
    ):
        return redirect(reverse("requests_tracking:list") + "?status=live&mine=true&sort=urgent")
    # Default deny: an officer with no service areas works no requests, so is shown none.
    no_areas = selectors.staff_without_areas(staff=request.user)
    base = selectors.request_list()
    if no_areas:
        base = base.none()
    filters = RequestFilter(request.GET or None, queryset=base, request=request)
    qs = filters.qs if filters.is_bound and filters.is_valid() else base
    # The page's ids first (the filters and the order need the request and its current
    # visit only), then those rows with what the table shows.
    page = Paginator(qs.values_list("pk", flat=True), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.request_list_rows(ids=list(page.object_list))
    if filters.is_bound and any(v for k, v in request.GET.items() if k != "page"):
        audit_record(
            actor=request.user,
            action="search",
            detail={"requests": {k: v for k, v in request.GET.items() if k != "page"}},
            request=request,
        )
    template = "requests_tracking/list.html"
    if request.htmx:
        template += "#results"
    response = render(
        request,
        template,
        {"filter": filters, "page": page, "no_areas": selectors.NO_AREAS if no_areas else ""},
    )
    return response


@permission_required("requests_tracking.add_request", raise_exception=True)
def request_create(request):
    citizen = _citizen_from(request)
    contact = contact_open_for(staff=request.user)
    if contact is not None and contact.citizen_id not in (None, getattr(citizen, "pk", None)):
        contact = None  # a contact with somebody else is not this request's origin
    processes = selectors.processes_current_kept()
    candidates = []
    if request.method == "POST":
        form = RequestCreateForm(request.POST, processes=processes)
        if form.is_valid():
            data = form.cleaned_data
            candidates = _candidates(data)
            if request.POST.get("follow"):
                return _follow_instead(request, form, citizen, candidates, contact)
            if candidates and not data["new_reason"].strip():
                form.add_error(
                    "new_reason",
                    "Open reports like this one are listed above. If one of them is the same "
                    "thing, follow it instead; otherwise say why this is a new report.",
                )
            else:
                try:
                    with transaction.atomic():
                        new = services.request_create(
                            actor=request.user,
                            process=data["process"],
                            description=data["description"],
                            citizen=citizen,
                            channel=data["channel"],
                            originating_contact=contact,
                            address_line_1=data["address_line_1"],
                            postcode=data["postcode"],
                            uprn=data["uprn"],
                            usrn=data["usrn"],
                            latitude=data["latitude"],
                            longitude=data["longitude"],
                        )
                        if candidates:
                            services.request_new_despite_candidates(
                                actor=request.user,
                                service_request=new,
                                candidates=[c.request for c in candidates],
                                reason=data["new_reason"],
                            )
                except ValidationError as exc:
                    _errors_to_form(form, exc)
                else:
                    return _after_raise(request, new, contact)
    else:
        form = RequestCreateForm(initial=_initial(request, citizen, contact), processes=processes)
    return render(
        request,
        "requests_tracking/create.html",
        {"form": form, "citizen": citizen, "contact": contact, "candidates": candidates},
    )


def _citizen_from(request):
    citizen_id = request.GET.get("citizen") or request.POST.get("citizen")
    if not citizen_id:
        return None
    try:
        return get_object_or_404(Citizen, pk=int(citizen_id))
    except ValueError:
        raise Http404("No such citizen") from None


def _initial(request, citizen, contact):
    initial = {}
    address = citizen.addresses.filter(is_current=True).first() if citizen else None
    if address is not None:
        initial = {"address_line_1": address.line_1, "postcode": address.postcode}
        initial["uprn"] = address.uprn
    if contact is not None:
        initial["channel"] = contact.channel.code
    if request.GET.get("process"):
        initial["process"] = request.GET["process"]
    return initial


def _candidates(data):
    process = data.get("process")
    if process is None or not process.place_based:
        return []
    return selectors.request_duplicate_candidates(
        process=process,
        uprn=data.get("uprn") or "",
        usrn=data.get("usrn") or "",
        latitude=data.get("latitude"),
        longitude=data.get("longitude"),
        postcode=data.get("postcode") or "",
        description=data.get("description") or "",
    )


def _follow_instead(request, form, citizen, candidates, contact):
    """The agent chose "this is the same — follow it instead" for one of the candidates."""
    chosen = next((c for c in candidates if str(c.request.pk) == request.POST["follow"]), None)
    if chosen is None:
        form.add_error(None, "That report is not open near here any more. Check the list again.")
    else:
        try:
            sign_up = services.request_follow_instead(
                actor=request.user,
                service_request=chosen.request,
                citizen=citizen,
                email=request.POST.get("follow_email", ""),
                via=contact.channel.name.lower() if contact else "logged by staff",
            )
        except services.TransitionRefused as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            return render(
                request,
                "requests_tracking/followed.html",
                {
                    "req": chosen.request,
                    "citizen": citizen,
                    # The caller follows someone else's report: the follower's view, not
                    # the reporter's tracking page.
                    "tracking_url": follower_view_url(chosen.request),
                    "email": request.POST.get("follow_email", "").strip(),
                    "sign_up": sign_up,
                },
            )
    return render(
        request,
        "requests_tracking/create.html",
        {"form": form, "citizen": citizen, "contact": contact, "candidates": candidates},
    )


@permission_required("requests_tracking.add_request", raise_exception=True)
def request_candidates(request):
    """The create page's "open reports like this" panel, refreshed as the agent types (htmx)."""
    form = RequestCreateForm(request.GET, processes=selectors.processes_current_kept())
    form.is_valid()  # partial input is normal here: use whatever is valid so far
    data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    response = render(
        request,
        "requests_tracking/create.html#candidates",
        {"candidates": _candidates(data), "citizen": _citizen_from(request), "form": form},
    )
    return response


def _after_raise(request, new, contact):
    """During a contact the agent goes back to the caller (their record, or the anonymous
    contact) with the new reference and the tracking link to read out or send."""
    link = tracking_url(new)
    if contact is None:
        messages.success(request, f"Request {new.reference} raised.")
        return redirect(new)
    messages.success(
        request,
        f"Request {new.reference} ({new.process.name}) raised. The caller's tracking link: {link}",
    )
    if new.citizen_id:
        return redirect(new.citizen)
    return redirect(contact)


def _errors_to_form(form, exc):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- The request page and its case work ------------------------------------------------------

ACTION_FORMS = {
    "hold": ReasonForm,
    "cancel": ReasonForm,
    "reopen": ReasonForm,
    "resolve": ResolveForm,
    "request_information": QuestionForm,
    "citizen_reply": ReplyForm,
    "change_due": DueChangeForm,
}
ACTION_DONE = {name: t.done for name, t in services.TRANSITION_TABLE.items()}


def _page(request, service_request, *, forms=None, status=200):
    # The newest part of the request's history, or all of it when asked ("Show all…").
    limit = None if request.GET.get("history") == "all" else selectors.HISTORY_SHOWN
    history = selectors.request_history(service_request=service_request, limit=limit)
    work_refusal = selectors.request_work_refusal(
        staff=request.user, service_request=service_request
    )
    can_work = work_refusal is None
    allowed = services.transitions_allowed(service_request)
    forms = forms or {}
    action_forms = {
        name: forms.get(name) or _kept(form_class(prefix=name), name)
        for name, form_class in ACTION_FORMS.items()
    }
    assign_form = forms.get("assign") or _kept(
        AssignForm(
            service_request=service_request,
            initial={
                "team": service_request.team_id,
                "assigned_to": service_request.assigned_to_id,
            },
        ),
        "assign",
        service_request.service_area_id,
        service_request.team_id,
        service_request.assigned_to_id,
    )
    context = {
        "service_request": service_request,
        "plan": selectors.request_stage_plan(
            service_request=service_request, last_by_stage=history.last_by_stage
        ),
        "visits": history.visits,
        "notes": selectors.request_notes(service_request=service_request, limit=limit),
        "evidence": selectors.request_evidence(service_request=service_request),
        "outbox": selectors.request_messages(service_request=service_request, limit=limit),
        "tracking_url": tracking_url(service_request),
        "follower_emails": selectors.request_follower_emails(service_request=service_request),
        "can_work": can_work,
        "no_areas": work_refusal if work_refusal == selectors.NO_AREAS else "",
        "allowed": allowed if can_work else allowed & {"citizen_reply"},
        "note_form": forms.get("note") or NoteForm(),
        "evidence_form": forms.get("evidence") or EvidenceForm(),
        "assign_form": assign_form,
        "action_forms": action_forms,
        "open_form": next(iter(forms), ""),
        "error_form": next((f for f in forms.values() if f.errors), None),
        **_duplicates_context(request, service_request, forms, can_work),
    }
    return render(request, "requests_tracking/detail.html", context, status=status)


def _kept(form, *key):
    """An unbound action form whose fields' markup depends on `key` alone (and on the
    reference data its selects offer): rendered once per process (request_tags.form_fields)."""
    form.kept_key = key
    return form


def _duplicates_context(request, service_request, forms, can_work) -> dict:
    """The request page's reports nearby, its duplicates and the link to its original."""
    link = selectors.request_duplicate_link(service_request=service_request)
    return {
        "nearby": selectors.request_nearby(service_request=service_request)
        if service_request.is_live
        else [],
        "duplicates": selectors.request_duplicates(service_request=service_request),
        "duplicate_link": link,
        "undo_allowed": can_work and link is not None and services.undo_refusal(link) is None,
        "duplicate_form": forms.get("duplicate") or DuplicateForm(),
    }


def _get(pk, *, for_page=False):
    try:
        return selectors.request_get(pk=pk, for_page=for_page)
    except Request.DoesNotExist:
        raise Http404("No such request") from None


@permission_required("requests_tracking.view_request", raise_exception=True)
def request_detail(request, pk):
    service_request = _get(pk, for_page=True)
    audit_record(
        actor=request.user,
        action="view",
        obj=service_request,
        citizen=service_request.citizen,
        request=request,
    )
    return _page(request, service_request)


@require_POST
@permission_required("requests_tracking.view_request", raise_exception=True)
def request_action(request, pk, action):
    """Every transition from the request page goes through `services.transition_run`, with
    the stage, status and version the page showed (hidden fields)."""
    service_request = _get(pk)
    if action not in services.TRANSITION_TABLE:
        raise Http404("No such action")
    refusal = services.transition_forbidden(
        staff=request.user, service_request=service_request, name=action
    )
    if refusal:
        return render(request, "403.html", {"reason": refusal}, status=403)
    try:
        expected = services.expected_state_from(request.POST)
    except ValidationError:
        messages.error(
            request, "This page was out of date. Nothing was changed: check the request again."
        )
        return redirect(service_request)
    form = None
    if action in ACTION_FORMS:
        form = ACTION_FORMS[action](request.POST, prefix=action)
    elif action == "assign":
        form = AssignForm(request.POST, service_request=service_request)
    if form is not None and not form.is_valid():
        return _page(request, service_request, forms={action: form})
    data = dict(form.cleaned_data) if form is not None else {}
    if action == "change_due":
        data["due_at"] = form.due_at()
    try:
        services.transition_run(
            actor=request.user,
            service_request=service_request,
            name=action,
            data=data,
            expected=expected,
        )
    except services.TransitionRefused as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        if form is None:
            messages.error(request, " ".join(exc.messages))
        else:
            _errors_to_form(form, exc)
            return _page(request, service_request, forms={action: form})
    else:
        messages.success(request, ACTION_DONE[action])
    return redirect(service_request)


@require_POST
@permission_required("requests_tracking.add_requestnote", raise_exception=True)
def request_note(request, pk):
    service_request = _get(pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _page(request, service_request, forms={"note": form})
    services.request_note_add(
        actor=request.user,
        service_request=service_request,
        text=form.cleaned_data["text"],
        visible_to_citizen=form.cleaned_data["visible_to_citizen"],
    )
    messages.success(request, "Note added.")
    return redirect(f"{service_request.get_absolute_url()}#notes")


@require_POST
@permission_required("requests_tracking.add_evidence", raise_exception=True)
def evidence_upload(request, pk):
    service_request = _get(pk)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, service_request, forms={"evidence": form})
    upload = form.cleaned_data["file"]
    services.request_evidence_add(
        actor=request.user,
        service_request=service_request,
        upload=upload,
        stored_name=upload.stored_name,
        original_name=form.original_name(),
        content_type=upload.detected_type,
        description=form.cleaned_data["description"],
        visible_to_citizen=form.cleaned_data["visible_to_citizen"],
    )
    messages.success(request, f"{form.original_name()} uploaded.")
    return redirect(f"{service_request.get_absolute_url()}#evidence")


@permission_required("requests_tracking.view_evidence", raise_exception=True)
def evidence_download(request, pk, evidence_pk):
    evidence = get_object_or_404(
        Evidence.objects.select_related("request__citizen"), pk=evidence_pk, request_id=pk
    )
    audit_record(
        actor=request.user,
        action="download",
        obj=evidence,
        citizen=evidence.request.citizen,
        detail={"request": evidence.request.reference, "file": evidence.original_name},
        request=request,
    )
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage") from None
    response = attachment_response(
        handle,
        original_name=evidence.original_name,
        stored_name=evidence.stored_name,
        content_type=evidence.content_type,
    )
    return response


@require_POST
@permission_required("requests_tracking.view_request", raise_exception=True)
def request_mark_duplicate(request, pk):
    """Mark this request as a duplicate of another (its followers and reporter move there)."""
    service_request = _get(pk)
    if not selectors.request_can_work(staff=request.user, service_request=service_request):
        raise PermissionDenied
    form = DuplicateForm(request.POST)
    if not form.is_valid():
        return _page(request, service_request, forms={"duplicate": form})
    original = form.cleaned_data["original"]
    try:
        services.request_duplicate_mark(
            actor=request.user,
            duplicate=service_request,
            original=original,
            reason=form.cleaned_data["reason"],
        )
    except services.TransitionRefused as exc:
        form.add_error("original", str(exc))
        return _page(request, service_request, forms={"duplicate": form})
    messages.success(
        request,
        f"{service_request.reference} is marked as a duplicate of {original.reference} and "
        "closed. Its reporter and followers now follow the original. You can undo this today.",
    )
    return redirect(service_request)


@require_POST
@permission_required("requests_tracking.view_request", raise_exception=True)
def request_undo_duplicate(request, pk):
    service_request = _get(pk)
    if not selectors.request_can_work(staff=request.user, service_request=service_request):
        raise PermissionDenied
    link = selectors.request_duplicate_link(service_request=service_request)
    if link is None:
        messages.error(request, "This request is not marked as a duplicate.")
        return redirect(service_request)
    try:
        services.request_duplicate_undo(actor=request.user, link=link)
    except services.TransitionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{service_request.reference} is open again.")
    return redirect(service_request)
