from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from audit.models import AuditEvent
from audit.services import audit_record, audit_view
from citizens import selectors, services
from citizens.filters import CitizenFilter
from citizens.forms import (
    ConfirmNewForm,
    CreateCitizenForm,
    DuplicateQueueFilterForm,
    EditCitizenForm,
    FlagForm,
    MergeForm,
    NotDuplicateForm,
    NoteForm,
    UnmergeForm,
)
from citizens.models import AssistanceFlag, Citizen, MergeRecord
from citizens.panels import panel_tabs, panels_render
from citizens.search import citizen_search, parse_query, results_queryset
from core.refcache import held
from organisation.models import ServiceArea


def _redirect(request, url):
    return redirect(url)


@permission_required("citizens.view_citizen", raise_exception=True)
def search(request):
    query = request.GET.get("q", "").strip()
    results = citizen_search(query=query, limit=25) if query else []
    if query:
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.SEARCH,
            detail={"q": query[:200], "results": len(results)},
            request=request,
        )
    context = {"query": query, "results": results}
    if request.htmx:
        return render(request, "citizens/search.html#results", context)
    return render(request, "citizens/search.html", context)


@permission_required("citizens.view_citizen", raise_exception=True)
def advanced_search(request):
    searched = any(v for k, v in request.GET.items() if k not in ("page", "sort"))
    data = request.GET.copy()
    data.setdefault("sort", "last_name")
    qs = results_queryset(Citizen.objects.active().values("id")).filter(
        status=Citizen.Status.ACTIVE
    )
    filterset = CitizenFilter(data, queryset=qs)
    page = None
    if searched and filterset.is_valid():
        page = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.SEARCH,
            detail={"advanced": {k: v for k, v in request.GET.items() if v}},
            request=request,
        )
    context = {"filterset": filterset, "form": filterset.form, "page": page, "searched": searched}
    if request.htmx:
        return render(request, "citizens/advanced.html#results", context)
    return render(request, "citizens/advanced.html", context)


@permission_required("citizens.add_citizen", raise_exception=True)
def create(request):
    form = CreateCitizenForm(request.POST or None, initial=_initial_from_query(request))
    confirm = ConfirmNewForm(request.POST or None) if "confirm_step" in request.POST else None
    candidates = []
    if request.method == "POST" and form.is_valid():
        confirmed = confirm is not None and confirm.is_valid()
        try:
            citizen = services.citizen_create(
                actor=request.user,
                data=form.cleaned_data,
                confirm_new=confirmed,
                new_person_reason=confirm.cleaned_data["new_person_reason"] if confirmed else "",
            )
        except services.DuplicatesFound as exc:
            candidates = exc.candidates
            if confirm is None:
                confirm = ConfirmNewForm()
        else:
            messages.success(request, f"Record created for {citizen.full_name}.")
            if citizen.possible_duplicates:
                count = len(citizen.possible_duplicates)
                messages.info(
                    request,
                    f"{count} other record{'s' if count > 1 else ''} may be the same person: "
                    "see Possible duplicates on this record.",
                )
            return redirect(citizen)
    return render(
        request,
        "citizens/create.html",
        {"form": form, "confirm": confirm, "candidates": candidates},
    )


def _initial_from_query(request):
    q = request.GET.get("q", "")
    parsed = parse_query(q) if q else None
    if not parsed:
        return {}
    initial = {"email": parsed.email, "phone": parsed.phone}
    if parsed.names:
        initial["last_name"] = parsed.names[-1].title()
        if len(parsed.names) > 1:
            initial["first_name"] = parsed.names[0].title()
    if parsed.dob:
        initial["date_of_birth"] = parsed.dob.strftime("%d/%m/%Y")
    return initial


def _merged_redirect(request, citizen):
    survivor = selectors.citizen_get(pk=citizen.pk)
    messages.info(
        request,
        f"Record {citizen.reference} was merged into {survivor.reference}: "
        "you are seeing the record that was kept.",
    )
    return redirect(survivor)


def _citizen_or_redirect(request, pk):
    citizen = get_object_or_404(Citizen, pk=pk)
    if citizen.is_merged:
        return None, _merged_redirect(request, citizen)
    return citizen, None


def _note_fields() -> str:
    """The record page's add-a-note fields, rendered once per process: an empty NoteForm is
    the same for every citizen and member of staff, its service areas a kept list (rendered
    again when they change: core.refcache)."""
    return held(
        ("record page note fields",),
        lambda: render_to_string("citizens/detail.html#note_fields", {"note_form": NoteForm()}),
        models=[ServiceArea],
    )


@permission_required("citizens.view_citizen", raise_exception=True)
def detail(request, pk):
    # A tab loaded on its own (htmx) shows the tabs and their panels, not the call summary,
    # details and side panels: it reads and renders none of those.
    tab_only = bool(request.htmx) and request.htmx.target == "record-tabs"
    try:
        # Read once, with what the page shows.
        citizen = selectors.citizen_detail(pk=pk, related=not tab_only)
    except Citizen.DoesNotExist:
        raise Http404("No such citizen") from None
    if citizen.is_merged:
        return _merged_redirect(request, citizen)
    audit_record(actor=request.user, action=AuditEvent.Action.VIEW, obj=citizen, request=request)
    can_notes = request.user.has_perm("citizens.view_note")
    tabs = [("overview", "Overview"), *panel_tabs()]
    if can_notes:
        tabs.append(("notes", "Notes"))
    tab = request.GET.get("tab") or "overview"
    if tab not in dict(tabs):
        tab = "overview"
    notes, hidden_notes = [], 0
    if can_notes and tab == "notes":
        notes, hidden_notes = selectors.citizen_notes_shown(citizen=citizen, user=request.user)
    context = {
        "tabs": tabs,
        "tab": tab,
        "citizen": citizen,
        "notes": notes,
        "hidden_notes": hidden_notes,
        "panels": panels_render(request, citizen, tab="" if tab == "overview" else tab),
    }
    if tab_only:
        return render(request, "citizens/detail.html#record_tabs", context)
    addresses = citizen.addresses.all()
    context |= {
        "current_address": next((a for a in addresses if a.is_current), None),
        "previous_addresses": [a for a in addresses if not a.is_current],
        "prompts": selectors.citizen_contact_prompts(citizen=citizen),
        "note_fields": _note_fields(),
        "merges": list(selectors.merge_records(citizen=citizen)) if citizen.has_merges else [],
        "aside_panels": panels_render(request, citizen, slot="aside"),
        "summary_panels": panels_render(request, citizen, slot="summary"),
        "action_panels": panels_render(request, citizen, slot="actions"),
    }
    return render(request, "citizens/detail.html", context)


@permission_required("citizens.change_citizen", raise_exception=True)
def edit(request, pk):
    citizen, response = _citizen_or_redirect(request, pk)
    if response:
        return response
    audit_view(request=request, obj=citizen, detail={"page": "edit"})
    values = {k: getattr(citizen, k) for k in services.PERSON_FIELDS}
    values |= services.citizen_contact_values(citizen)
    values["version"] = citizen.version
    form = EditCitizenForm(request.POST or None, initial=values, citizen_id=citizen.pk)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            changes = services.citizen_update(
                actor=request.user,
                citizen=citizen,
                version=form.cleaned_data["version"],
                data=data,
            )
        except services.VersionConflict as exc:
            current = exc.current
            theirs = {k: getattr(current, k) for k in services.PERSON_FIELDS}
            theirs |= services.citizen_contact_values(current)
            conflict = [
                {
                    "label": label,
                    "mine": data.get(key),
                    "theirs": theirs.get(key),
                }
                for key, (label, _s) in (services.PERSON_FIELDS | services.CONTACT_FIELDS).items()
                if (data.get(key) or "") != (theirs.get(key) or "")
            ]
            # Keep what this agent typed, but against the latest version, so they can re-save.
            post = request.POST.copy()
            post["version"] = current.version
            form = EditCitizenForm(post, citizen_id=citizen.pk)
            form.is_valid()
        else:
            if changes:
                messages.success(
                    request, f"Saved {len(changes)} change(s) to {citizen.full_name}."
                )
            else:
                messages.info(request, "Nothing was changed.")
            return redirect(citizen)
    return render(
        request, "citizens/edit.html", {"citizen": citizen, "form": form, "conflict": conflict}
    )


@permission_required("citizens.change_citizen", raise_exception=True)
@require_POST
def confirm_details(request, pk):
    citizen = get_object_or_404(Citizen, pk=pk, status=Citizen.Status.ACTIVE)
    services.citizen_confirm_contact_details(actor=request.user, citizen=citizen)
    messages.success(request, "Contact details confirmed as still correct.")
    return _redirect(request, citizen.get_absolute_url())


@permission_required("citizens.change_citizen", raise_exception=True)
def flag_add(request, pk):
    citizen = get_object_or_404(Citizen, pk=pk, status=Citizen.Status.ACTIVE)
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.assistance_flag_add(actor=request.user, citizen=citizen, **form.cleaned_data)
        messages.success(request, "Assistance need added.")
        return redirect(citizen)
    audit_view(request=request, obj=citizen, detail={"page": "add an assistance need"})
    return render(request, "citizens/flag_form.html", {"citizen": citizen, "form": form})


@permission_required("citizens.change_citizen", raise_exception=True)
@require_POST
def flag_end(request, pk, flag_pk):
    flag = get_object_or_404(AssistanceFlag, pk=flag_pk, citizen_id=pk, active=True)
    services.assistance_flag_end(actor=request.user, flag=flag)
    messages.success(request, "Assistance need ended.")
    return redirect(flag.citizen)


@permission_required("citizens.view_citizen", raise_exception=True)
def history(request, pk):
    citizen = get_object_or_404(Citizen, pk=pk)
    changes = Paginator(
        selectors.CitizenChange.objects.filter(citizen=citizen).select_related("changed_by"), 50
    ).get_page(request.GET.get("page"))
    audit_view(request=request, obj=citizen, detail={"page": "change history"})
    return render(request, "citizens/history.html", {"citizen": citizen, "page": changes})


# --- notes ---------------------------------------------------------------------------------


@permission_required("citizens.add_note", raise_exception=True)
def note_add(request, pk):
    citizen = get_object_or_404(Citizen, pk=pk, status=Citizen.Status.ACTIVE)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["sensitive"] and not request.user.has_perm("citizens.view_sensitive_note"):
            # Anyone may mark a note sensitive; they then cannot see it, so say so.
            messages.info(request, "Note added and marked sensitive: only permitted roles see it.")
        else:
            messages.success(request, "Note added.")
        services.note_add(actor=request.user, citizen=citizen, **data)
        return _redirect(request, citizen.get_absolute_url() + "?tab=notes#notes")
    audit_view(request=request, obj=citizen, detail={"page": "add a note"})
    return render(request, "citizens/note_form.html", {"citizen": citizen, "form": form})


@permission_required("citizens.add_note", raise_exception=True)
def note_correct(request, pk, note_pk):
    citizen = get_object_or_404(Citizen, pk=pk, status=Citizen.Status.ACTIVE)
    try:
        original = selectors.note_get(citizen=citizen, pk=note_pk, user=request.user)
    except selectors.Note.DoesNotExist as exc:
        raise Http404 from exc
    form = NoteForm(
        request.POST or None,
        initial={"text": original.text, "service_area": original.service_area_id},
    )
    if request.method == "POST" and form.is_valid():
        services.note_add(
            actor=request.user, citizen=citizen, corrects=original, **form.cleaned_data
        )
        messages.success(request, "Correction added; the original note is kept.")
        return redirect(citizen.get_absolute_url() + "#notes")
    audit_view(request=request, obj=original, citizen=citizen, detail={"page": "correct a note"})
    return render(
        request,
        "citizens/note_form.html",
        {"citizen": citizen, "form": form, "original": original},
    )


# --- duplicates and merge ------------------------------------------------------------------


@permission_required("citizens.view_citizen", raise_exception=True)
def duplicates(request, pk):
    citizen = get_object_or_404(Citizen, pk=pk, status=Citizen.Status.ACTIVE)
    candidates = selectors.citizen_duplicates(citizen=citizen)
    audit_view(
        request=request,
        obj=citizen,
        detail={"page": "duplicates", "candidates": [c.pk for c in candidates][:50]},
    )
    return render(
        request, "citizens/duplicates.html", {"citizen": citizen, "candidates": candidates}
    )


@permission_required("citizens.merge_citizen", raise_exception=True)
def review_duplicates(request):
    """The queue of pairs the register-wide review found, strongest first."""
    form = DuplicateQueueFilterForm(request.GET or None)
    band, status = "", "open"
    if form.is_valid():
        band, status = form.cleaned_data["band"], form.cleaned_data["status"] or "open"
    page = Paginator(selectors.duplicate_queue(band=band, status=status), 25).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "pairs": selectors.duplicate_pairs_with_citizens(page.object_list),
        "run": selectors.duplicate_review_latest(),
        "status": status,
    }
    if request.htmx:
        return render(request, "citizens/review_duplicates.html#queue", context)
    return render(request, "citizens/review_duplicates.html", context)


@permission_required("citizens.merge_citizen", raise_exception=True)
@require_POST
def review_start(request):
    run = services.duplicate_review_start(actor=request.user)
    if run is None:
        messages.info(request, "A review of the register is already running.")
    else:
        messages.success(request, "The review of the register has started.")
    return redirect(reverse("citizens:review_duplicates"))


@permission_required("citizens.merge_citizen", raise_exception=True)
def merge(request, pk, other_pk):
    a = get_object_or_404(Citizen, pk=pk, status=Citizen.Status.ACTIVE)
    b = get_object_or_404(Citizen, pk=other_pk, status=Citizen.Status.ACTIVE)
    if a.pk == b.pk:
        raise Http404
    pair = list(results_queryset([a.pk, b.pk]).order_by("id"))
    form = MergeForm(request.POST or None, pair=pair, initial={"survivor": str(min(a.pk, b.pk))})
    not_dup = NotDuplicateForm()
    match = selectors.citizen_pair_match(a=a, b=b)
    for shown, beside in ((a, b), (b, a)):
        audit_view(request=request, obj=shown, detail={"page": "merge", "beside": beside.pk})
    if request.method == "POST" and form.is_valid():
        survivor = a if str(a.pk) == form.cleaned_data["survivor"] else b
        other = b if survivor is a else a
        try:
            services.citizens_merge(
                actor=request.user,
                survivor=survivor,
                merged=other,
                reason=form.cleaned_data["reason"],
            )
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{other.reference} merged into {survivor.reference}.")
            return redirect(survivor)
    return render(
        request,
        "citizens/merge.html",
        {"pair": pair, "form": form, "not_dup": not_dup, "a": a, "b": b, "match": match},
    )


@permission_required("citizens.merge_citizen", raise_exception=True)
@require_POST
def not_duplicate(request, pk, other_pk):
    a = get_object_or_404(Citizen, pk=pk)
    b = get_object_or_404(Citizen, pk=other_pk)
    form = NotDuplicateForm(request.POST)
    if form.is_valid():
        services.not_duplicate_record(
            actor=request.user, citizen_a=a, citizen_b=b, reason=form.cleaned_data["reason"]
        )
        messages.success(request, "Recorded that these are different people.")
        return redirect(reverse("citizens:review_duplicates"))
    pair = list(results_queryset([a.pk, b.pk]).order_by("id"))
    return render(
        request,
        "citizens/merge.html",
        {
            "pair": pair,
            "form": MergeForm(pair=pair),
            "not_dup": form,
            "a": a,
            "b": b,
            "match": selectors.citizen_pair_match(a=a, b=b),
        },
    )


@permission_required("citizens.merge_citizen", raise_exception=True)
def unmerge(request, merge_pk):
    record = get_object_or_404(
        MergeRecord.objects.select_related("survivor", "merged", "merged_by"), pk=merge_pk
    )
    form = UnmergeForm(request.POST or None)
    refusal = services.unmerge_refusal(record)
    audit_view(request=request, obj=record, citizen=record.survivor, detail={"page": "undo merge"})
    if request.method == "POST" and form.is_valid() and not refusal:
        try:
            restored = services.citizens_unmerge(
                actor=request.user, record=record, reason=form.cleaned_data["reason"]
            )
        except services.UnmergeRefused as exc:
            refusal = str(exc)
        else:
            messages.success(
                request,
                f"Merge undone: {restored.reference} is a record of its own again, with what "
                f"belonged to it, and the two are recorded as different people.",
            )
            return redirect(restored)
    return render(
        request,
        "citizens/unmerge.html",
        {"record": record, "form": form, "refusal": refusal},
    )
