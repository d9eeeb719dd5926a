from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import render

from audit.selectors import audit_event_list


@permission_required("audit.view_auditevent", raise_exception=True)
def audit_list(request):
    filterset = audit_event_list(filters=request.GET)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    template = "audit/audit_list.html#results" if request.htmx else "audit/audit_list.html"
    response = render(request, template, {"filter": filterset, "page": page})
    response["Vary"] = "HX-Request"
    return response
