from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.describe import detail_words
from audit.export import audit_csv_response
from audit.forms import SubjectAccessRequestForm
from audit.models import AuditEvent, SubjectAccessRequest
from audit.selectors import audit_event_list, subject_access_request_list
from audit.services import (
    audit_record,
    audit_view,
    subject_access_export,
    subject_access_request_close,
    subject_access_request_log,
)


@permission_required("audit.view_auditevent", raise_exception=True)
def audit_list(request):
    filterset = audit_event_list(filters=request.GET)
    if request.GET.get("format") == "csv" and filterset.is_valid():
        filters = {k: v for k, v in request.GET.items() if k not in ("format", "page") and v}
        # The export is itself on the trail (who took a copy of what), before any row is sent.
        exported = audit_record(
            actor=request.user,
            action=AuditEvent.Action.EXPORT,
            request=request,
            detail={"what": "audit trail", "filters": filters},
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        events = filterset.qs.filter(pk__lt=exported.pk)  # the trail as it was when asked for
        return audit_csv_response(events, filename=f"audit-trail-{stamp}.csv")
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    for event in page:
        event.detail_text = detail_words(event.detail)
    template = "audit/audit_list.html#results" if request.htmx else "audit/audit_list.html"
    csv_query = request.GET.copy()
    csv_query.pop("page", None)
    csv_query["format"] = "csv"
    context = {"filter": filterset, "page": page, "csv_query": csv_query.urlencode()}
    response = render(request, template, context)
    return response


@permission_required("audit.view_subjectaccessrequest", raise_exception=True)
def sar_list(request):
    show = request.GET.get("show", "open")
    requests = subject_access_request_list(open_only=show != "all")
    page = Paginator(requests, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/sar_list.html",
        {"page": page, "show": show, "today": timezone.localdate()},
    )


@permission_required("audit.add_subjectaccessrequest", raise_exception=True)
def sar_create(request):
    initial = {"received_on": timezone.localdate().strftime("%d/%m/%Y")}
    if request.GET.get("citizen"):
        initial["citizen"] = request.GET["citizen"]
    data = request.POST if request.method == "POST" else None
    form = SubjectAccessRequestForm(data, initial=initial)
    if request.method == "POST" and form.is_valid():
        sar = subject_access_request_log(actor=request.user, **form.cleaned_data)
        messages.success(
            request,
            f"Subject access request {sar.reference} logged: due by {sar.due_on:%-d %B %Y}.",
        )
        return redirect("audit:sar_detail", pk=sar.pk)
    return render(request, "audit/sar_form.html", {"form": form})


@permission_required("audit.view_subjectaccessrequest", raise_exception=True)
def sar_detail(request, pk):
    sar = get_object_or_404(
        SubjectAccessRequest.objects.select_related("citizen", "logged_by", "exported_by"), pk=pk
    )
    audit_view(request=request, obj=sar, citizen=sar.citizen)
    return render(request, "audit/sar_detail.html", {"sar": sar, "today": timezone.localdate()})


@require_POST
@permission_required("audit.export_subjectaccessrequest", raise_exception=True)
def sar_export(request, pk):
    sar = get_object_or_404(SubjectAccessRequest.objects.select_related("citizen"), pk=pk)
    content, filename = subject_access_export(actor=request.user, sar=sar, request=request)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@permission_required("audit.change_subjectaccessrequest", raise_exception=True)
def sar_close(request, pk):
    sar = get_object_or_404(SubjectAccessRequest, pk=pk)
    subject_access_request_close(actor=request.user, sar=sar)
    messages.success(request, f"{sar.reference} closed.")
    return redirect("audit:sar_detail", pk=sar.pk)
