"""Contact pages: start, the open contact, end, history, screen pop and reports."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.models import AuditEvent
from audit.services import audit_record
from citizens.models import Citizen, PhoneNumber
from citizens.normalise import phone_normalise
from citizens.search import citizen_search
from citizens.selectors import citizen_get
from contacts import extensions
from contacts.active import active_contact_for_request, contact_session_remember
from contacts.forms import AttachCitizenForm, EndContactForm, StartContactForm
from contacts.models import Contact
from contacts.selectors import (
    ContactPaginator,
    contact_default_channel,
    contact_default_location,
    contact_get,
    contact_linked_items,
    contact_list,
    contact_prompts,
    contact_verified_services,
    contacts_needing_review,
)
from contacts.services import (
    ContactAlreadyOpen,
    ContactNotOpen,
    contact_attach_citizen,
    contact_end,
    contact_start,
)

PAGE_SIZE = 25


# --- helpers ---------------------------------------------------------------------------------


def _citizen_or_404(pk):
    """The citizen, following a merge pointer to the surviving record."""
    try:
        return citizen_get(pk=int(pk))
    except (TypeError, ValueError, Citizen.DoesNotExist):
        raise Http404("No such citizen") from None


def citizen_url(citizen):
    """The citizen's record page."""
    return citizen.get_absolute_url()


def _page(request, queryset):
    return ContactPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _render(request, template, context, partial=None):
    """Render the page, or just `partial` of it for an htmx request."""
    name = f"{template}#{partial}" if partial and request.htmx else template
    return render(request, name, context)


def _already_open_message(request, contact):
    who = contact.citizen.full_name if contact.citizen_id else "an anonymous caller"
    messages.error(
        request,
        f"You already have a contact in progress with {who}. End it before you start another.",
    )


# --- starting, identifying and ending --------------------------------------------------------


@permission_required("contacts.add_contact", raise_exception=True)
def contact_start_view(request):
    """Start a contact: with a citizen (?citizen=ID) or anonymously."""
    citizen_id = request.POST.get("citizen") or request.GET.get("citizen")
    citizen = _citizen_or_404(citizen_id) if citizen_id else None
    bar = active_contact_for_request(request)
    if request.method == "POST":
        form = StartContactForm(request.POST)
        if form.is_valid():
            try:
                contact = contact_start(
                    actor=request.user,
                    channel=form.cleaned_data["channel"],
                    location=form.cleaned_data["location"],
                    citizen=citizen,
                )
            except ContactAlreadyOpen as exc:
                _already_open_message(request, exc.contact)
                return redirect(exc.contact)
            contact_session_remember(request, contact)
            return _after_start(request, contact)
    else:
        location = contact_default_location(staff=request.user)
        channel = contact_default_channel(
            location_id=location, requested=request.GET.get("channel") or ""
        )
        form = StartContactForm(
            initial={
                "channel": channel,
                "location": location,
            }
        )
    return render(
        request,
        "contacts/start.html",
        {"form": form, "citizen": citizen, "open_contact": bar.contact},
    )


def _after_start(request, contact):
    if contact.citizen_id is None:
        messages.success(
            request,
            f"{contact.channel} contact started. Find the caller if they say who they are.",
        )
        return redirect(contact)
    messages.success(request, f"{contact.channel} contact started with {contact.citizen}.")
    # The record page shows the citizen's own prompts; add those of other apps.
    prompts = contact_prompts(citizen=contact.citizen, staff=request.user, include_citizen=False)
    for prompt in prompts[:6]:
        messages.warning(request, prompt.text)
    return redirect(citizen_url(contact.citizen))


def _own_contact(request, pk):
    contact = get_object_or_404(Contact, pk=pk)
    if contact.agent_id != request.user.pk:
        raise PermissionDenied("Only the member of staff handling a contact can change it.")
    return contact


@require_POST
@permission_required("contacts.change_contact", raise_exception=True)
def contact_attach_view(request, pk):
    """Say who the caller of an anonymous contact is."""
    contact = _own_contact(request, pk)
    form = AttachCitizenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the caller from the list.")
        return redirect(contact)
    citizen = _citizen_or_404(form.cleaned_data["citizen"])
    try:
        contact = contact_attach_citizen(actor=request.user, contact=contact, citizen=citizen)
    except (ValidationError, ContactNotOpen) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect(contact)
    contact_session_remember(request, contact if contact.is_open else None)
    messages.success(request, f"{citizen} added to this contact.")
    prompts = contact_prompts(citizen=citizen, staff=request.user, include_citizen=False)
    for prompt in prompts[:6]:
        messages.warning(request, prompt.text)
    target = citizen_url(citizen)
    return redirect(target)


@permission_required("contacts.view_contact", raise_exception=True)
def contact_detail_view(request, pk):
    try:
        contact = contact_get(pk=pk)
    except Contact.DoesNotExist:
        raise Http404("No such contact") from None
    form = None
    if contact.agent_id == request.user.pk and (contact.is_open or contact.needs_review):
        form = EndContactForm(initial=_form_initial(contact))
    return _contact_page(request, contact, form)


def _form_initial(contact):
    if not contact.needs_review or contact.outcome is None:
        return extensions.end_prefills(contact=contact)
    return {
        "service_area": contact.service_area_id,
        "contact_type": contact.contact_type_id,
        "notes": contact.notes,
    }


def _contact_page(request, contact, form, status=200):
    if contact.citizen_id:
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.VIEW,
            obj=contact,
            citizen=contact.citizen,
            request=request,
        )
    query = request.GET.get("q", "").strip()
    candidates = None
    mine = contact.agent_id == request.user.pk
    if mine and contact.citizen_id is None and query and (contact.is_open or contact.needs_review):
        candidates = _find_citizens(request, query)
    context = {
        "contact": contact,
        "form": form,
        "mine": mine,
        "q": query,
        "candidates": candidates,
        "verified": _verified_in(request, contact),
        "linked": contact_linked_items(contact=contact),
        "prompts": contact_prompts(citizen=contact.citizen, staff=request.user)
        if contact.is_open and mine
        else [],
        "citizen_link": citizen_url(contact.citizen) if contact.citizen_id else "",
        "actions": [
            action
            for provider in extensions.contact_action_providers()
            for action in provider(contact=contact, staff=request.user)
        ]
        if contact.is_open and mine
        else [],
        "search_url": reverse("citizens:search"),
        "panels": extensions.contact_panels_render(request, contact)
        if mine and form is not None
        else [],
    }
    return render(request, "contacts/detail.html", context, status=status)


def _find_citizens(request, query):
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.SEARCH,
        detail={"query": query[:100], "where": "identify caller"},
        request=request,
    )
    return list(citizen_search(query=query, limit=10))


@require_http_methods(["GET", "POST"])
@permission_required("contacts.change_contact", raise_exception=True)
def contact_end_view(request, pk):
    contact = _own_contact(request, pk)
    if request.method == "GET":  # opened directly: the form is on the contact's page
        messages.info(request, "Choose the outcome here to end the contact.")
        return redirect(contact.get_absolute_url() + "#end-contact")
    form = EndContactForm(request.POST)
    if form.is_valid():
        try:
            contact = contact_end(actor=request.user, contact=contact, **form.details())
        except ContactNotOpen as exc:
            messages.error(request, str(exc))
            return redirect(contact)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            contact_session_remember(request, None)
            who = contact.citizen or "an anonymous caller"
            messages.success(request, f"Contact with {who} ended: {contact.outcome}.")
            target = citizen_url(contact.citizen) if contact.citizen_id else reverse("home:home")
            return redirect(target)
    contact = contact_get(pk=contact.pk)
    return _contact_page(request, contact, form)


@require_GET
@permission_required("contacts.view_contact", raise_exception=True)
def contact_type_options_view(request):
    """The contact-type select for the chosen service area (htmx swaps it in).

    Unbound, with the choice as initial values: the agent has not submitted anything yet, so the
    select must not say "Select what the contact was about" while they are still choosing."""
    form = EndContactForm(
        initial={
            "service_area": request.GET.get("service_area") or None,
            "contact_type": request.GET.get("contact_type") or None,
        }
    )
    return render(request, "contacts/_contact_type_select.html", {"form": form})


@require_GET
@permission_required("contacts.view_contact", raise_exception=True)
def _verified_in(request, contact) -> list[str]:
    """The services verified in `contact`; the bar has them already when it is this agent's
    open contact (one query, not two)."""
    bar = active_contact_for_request(request)
    if bar.contact is not None and bar.contact.pk == contact.pk:
        return bar.verified
    return contact_verified_services(contact=contact)


# --- history ----------------------------------------------------------------------------------


@permission_required("contacts.view_contact", raise_exception=True)
def contact_history_view(request):
    """Every contact, staff-wide, filtered."""
    filterset, queryset = contact_list(filters=request.GET)
    if request.GET:
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.SEARCH,
            detail={"where": "contact history", "filters": _filters_detail(request)},
            request=request,
        )
    context = {"filter": filterset, "page": _page(request, queryset), "citizen": None}
    return _render(request, "contacts/history.html", context, partial="results")


@permission_required("contacts.view_contact", raise_exception=True)
def citizen_history_view(request, citizen_id):
    """One citizen's contacts, filtered; the full list behind the record page's panel."""
    citizen = _citizen_or_404(citizen_id)
    if citizen.pk != int(citizen_id):
        return redirect("contacts:citizen_history", citizen_id=citizen.pk)
    filterset, queryset = contact_list(filters=request.GET, citizen=citizen)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        obj=citizen,
        detail={"where": "contact history", "filters": _filters_detail(request)},
        request=request,
    )
    context = {
        "filter": filterset,
        "page": _page(request, queryset),
        "citizen": citizen,
        "citizen_link": citizen_url(citizen),
    }
    return _render(request, "contacts/history.html", context, partial="results")


def _filters_detail(request):
    return {k: v for k, v in request.GET.items() if k != "page" and v}


@permission_required("contacts.view_contact", raise_exception=True)
def review_list_view(request):
    """The signed-in member of staff's contacts closed by the job, to complete."""
    page = _page(request, contacts_needing_review(staff=request.user))
    return render(request, "contacts/review.html", {"page": page})


# --- screen pop -------------------------------------------------------------------------------


@require_GET
@permission_required("contacts.add_contact", raise_exception=True)
def incoming_view(request):
    """Telephony screen pop: GET /contacts/incoming?phone=…"""
    raw = (request.GET.get("phone") or "").strip()
    number, error = "", ""
    matches = []
    if not raw:
        error = "The phone system did not send a number. Search for the caller instead."
    else:
        try:
            number = phone_normalise(raw)
        except ValueError:
            error = f"“{raw}” is not a UK phone number. Search for the caller instead."
    if number:
        ids = PhoneNumber.objects.filter(number=number).values("citizen_id")
        matches = list(
            Citizen.objects.active()
            .filter(pk__in=ids)
            .prefetch_related("addresses")
            .order_by("last_name", "first_name", "id")[:50]
        )
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.SEARCH,
            detail={"where": "incoming call", "phone": number, "matches": len(matches)},
            request=request,
        )
    if len(matches) == 1:
        citizen = matches[0]
        messages.info(request, f"Incoming call from {raw}: {citizen}.")
        # The record's contacts panel offers "Start a contact" with the phone channel chosen.
        return redirect(f"{citizen_url(citizen)}?{urlencode({'channel': 'phone'})}")
    context = {
        "raw": raw,
        "number": number,
        "error": error,
        "matches": matches,
        "search_url": reverse("citizens:search"),
        "create_url": reverse("citizens:create"),
        "start_url": reverse("contacts:start"),
    }
    return render(request, "contacts/incoming.html", context)


# --- reports ----------------------------------------------------------------------------------


@permission_required("contacts.view_reports", raise_exception=True)
def reports_view(request):
    """The contacts report moved to the reports section; old links and bookmarks follow it."""
    query = request.GET.copy()
    query.pop("format", None)
    target = reverse("reports:report", args=["contacts"])
    return redirect(f"{target}?{query.urlencode()}" if query else target)
