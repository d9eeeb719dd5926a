"""Staff pages for bulk imports: upload, map columns, preview, import with a progress bar,
report (with a CSV of the rows not imported) and undo. Administrators only."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from audit.models import AuditEvent
from audit.services import audit_record, audit_view
from core.csv_export import csv_response
from integration.forms import FIELD_LABELS, ImportMappingForm, ImportUploadForm
from integration.imports import FIELDS, ImportFileError, file_header
from integration.models import ImportRow, ImportRun
from integration.services import import_start, import_undo, import_upload

PERM = "integration.add_importrun"


@permission_required(PERM, raise_exception=True)
def import_list(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        run = import_upload(
            actor=request.user,
            source=form.cleaned_data["source"],
            name=upload.name,
            chunks=upload.chunks(),
        )
        return redirect("integration:import_detail", pk=run.pk)
    page = Paginator(ImportRun.objects.select_related("created_by"), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "integration/import_list.html", {"form": form, "page": page})


def _progress(run):
    return int(100 * run.rows_done / run.rows_total) if run.rows_total else 0


@permission_required(PERM, raise_exception=True)
def import_detail(request, pk):
    run = get_object_or_404(ImportRun, pk=pk)
    # The report shows many people's rows from the file: one row for the run, no one citizen.
    audit_view(request=request, obj=run, citizen=None, detail={"page": "import report"})
    context = {"run": run, "progress": _progress(run), "labels": FIELD_LABELS}
    running = run.status in (ImportRun.Status.PREVIEWING, ImportRun.Status.IMPORTING)
    if request.htmx and request.method == "GET":
        if running:
            response = render(request, "integration/import_detail.html#progress", context)
        else:  # finished: show the whole report
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
        return response
    if run.status in (ImportRun.Status.UPLOADED, ImportRun.Status.PREVIEWED):
        try:
            header = file_header(run.file_path)
        except ImportFileError as exc:
            header = []
            messages.error(request, str(exc))
        form = ImportMappingForm(request.POST or None, header=header, mapping=run.mapping)
        if request.method == "POST" and form.is_valid():
            run.mapping = form.mapping()
            run.save(update_fields=["mapping"])
            commit = request.POST.get("action") == "import"
            if commit and run.status != ImportRun.Status.PREVIEWED:
                messages.error(request, "Check the file (preview) before importing it.")
            else:
                import_start(actor=request.user, run=run, commit=commit)
            return redirect("integration:import_detail", pk=run.pk)
        context["form"] = form
    rows = run.rows.order_by("row_number")
    outcome = request.GET.get("outcome", "")
    if outcome in ImportRow.Outcome.values:
        rows = rows.filter(outcome=outcome)
    context["rows"] = Paginator(rows, 50).get_page(request.GET.get("page"))
    context["outcome"] = outcome
    context["outcomes"] = ImportRow.Outcome.choices
    context["summary"] = [
        (value, label, run.counts.get(value, 0)) for value, label in ImportRow.Outcome.choices
    ]
    response = render(request, "integration/import_detail.html", context)
    return response


@permission_required(PERM, raise_exception=True)
def import_rejected_csv(request, pk):
    """The rows not imported, with their row numbers and reasons, ready to fix and re-import."""
    run = get_object_or_404(ImportRun, pk=pk)
    columns = [f for f in FIELDS if f in run.mapping.values()]
    # The rows hold people's details: who downloaded them is on the audit trail.
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        obj=run,
        detail={"export": "import rows not imported"},
        request=request,
    )

    def rows():
        yield ["row", "reasons", *columns]
        for row in run.rows.filter(outcome="error").order_by("row_number").iterator():
            yield [row.row_number, "; ".join(row.errors)] + [
                str(row.data.get(c, "")) for c in columns
            ]

    return csv_response(rows=rows(), filename=f"import-{run.pk}-not-imported.csv")


@require_POST
@permission_required(PERM, raise_exception=True)
def import_undo_view(request, pk):
    run = get_object_or_404(ImportRun, pk=pk)
    refusals = import_undo(actor=request.user, run=run)
    if refusals:
        messages.error(
            request,
            "The import was not undone: "
            + " ".join(refusals[:20])
            + (f" (and {len(refusals) - 20} more)" if len(refusals) > 20 else ""),
        )
    else:
        messages.success(request, "The import was undone: the records it created are withdrawn.")
    return redirect("integration:import_detail", pk=run.pk)
