"""Open311 GeoReport v2 endpoints under /open311/v2/, in JSON and XML (`.json` / `.xml`).

GET needs no key and publishes only what may be published; POST needs an `api_key`. Every
problem is answered in the specification's error format, never as a server error page.
"""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from core.ratelimit import client_ip, rate_limit_hit, wait_words
from open311 import selectors
from open311.formats import error, respond
from open311.keys import open311_caller
from open311.services import Open311Invalid, open311_report_submit, report_parse

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-29T00:00:00Z"


@require_GET
def discovery(request, fmt):
    endpoint = request.build_absolute_uri(reverse("open311:root"))
    return respond(
        fmt,
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": f"{settings.COUNCIL_NAME}: contact the council's web team for help.",
            "key_service": "Ask the council for an API key for your application.",
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": endpoint,
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
    )


def root(request):
    return error("json", 404, "Use discovery.json, services.json or requests.json (or .xml).")


@require_GET
def services_list(request, fmt):
    return respond(
        fmt,
        "services",
        [
            {
                "service_code": service.service_code,
                "service_name": service.service_name or process.name,
                "description": service.description or process.description,
                "metadata": any(a.variable for a in service.attributes.all()),
                "type": "realtime",
                "keywords": service.keywords,
                "group": service.group,
            }
            for service, process in selectors.services_offered()
        ],
    )


@require_GET
def service_definition(request, service_code, fmt):
    found = selectors.service_get(service_code=service_code)
    if found is None:
        return error(fmt, 404, f"service_code {service_code} is not one of our services.")
    service, _ = found
    return respond(
        fmt,
        "service_definition",
        {
            "service_code": service.service_code,
            "attributes": [
                {
                    "variable": a.variable,
                    "code": a.code,
                    "datatype": a.datatype,
                    "required": a.required,
                    "datatype_description": a.datatype_description,
                    "order": a.order,
                    "description": a.description,
                    "values": [{"key": k, "name": n} for k, n in a.choices],
                }
                for a in service.attributes.all()
            ],
        },
    )


def _when(value: str, name: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise Open311Invalid(
            f"{name} must be a date and time like 2026-11-01T00:00:00Z."
        ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _listed(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests_collection(request, fmt):
    if request.method == "POST":
        return _submit(request, fmt)
    params = request.GET
    try:
        start = _when(params["start_date"], "start_date") if params.get("start_date") else None
        end = _when(params["end_date"], "end_date") if params.get("end_date") else None
        statuses = {s.lower() for s in _listed(params.get("status", ""))}
        if statuses - {"open", "closed"}:
            raise Open311Invalid("status must be open, closed or both (open,closed).")
        codes = _listed(params.get("service_code", ""))
        process_codes = None
        if codes:
            by_service = {v: k for k, v in selectors.service_codes_by_process().items()}
            unknown = [c for c in codes if c not in by_service]
            if unknown:
                raise Open311Invalid(
                    f"service_code {', '.join(unknown)} is not one of our services."
                )
            process_codes = [by_service[c] for c in codes]
    except Open311Invalid as exc:
        return error(fmt, 400, *exc.descriptions)
    found = selectors.open311_requests(
        references=[r.upper() for r in _listed(params.get("service_request_id", ""))],
        process_codes=process_codes,
        start=start,
        end=end,
        status=next(iter(statuses)) if len(statuses) == 1 else None,
    )
    return respond(fmt, "service_requests", selectors.request_fields(found))


@require_GET
def request_item(request, service_request_id, fmt):
    found = selectors.open311_requests(references=[service_request_id.upper()])
    if not found:
        return error(fmt, 404, f"There is no public service request {service_request_id}.")
    return respond(fmt, "service_requests", selectors.request_fields(found))


@require_GET
def token_item(request, token, fmt):
    submission = selectors.submission_by_token(token=token)
    if submission is None:
        return error(fmt, 404, f"There is no service request with token {token}.")
    return respond(
        fmt,
        "service_requests",
        [{"service_request_id": submission.service_request.reference, "token": token}],
    )


def _submit(request, fmt):
    caller = open311_caller(request.POST.get("api_key", ""))
    # OPEN311_RATE_LIMIT_POSTS reports a minute per key; posts without a valid key count
    # against the client address, so keys cannot be guessed at speed either.
    decision = rate_limit_hit(
        scope="open311-post",
        key=f"token:{caller.token_id}" if caller else f"ip:{client_ip(request)}",
        limit=settings.OPEN311_RATE_LIMIT_POSTS,
        window=60,
    )
    if not decision.allowed:
        response = error(
            fmt,
            429,
            f"Too many reports in a short time: wait {wait_words(decision.retry_after)} and "
            "send it again.",
        )
        response["Retry-After"] = str(decision.retry_after)
        return response
    if caller is None:
        missing = not request.POST.get("api_key", "").strip()
        return error(fmt, 403, "api_key is missing." if missing else "api_key is not valid.")
    code = (request.POST.get("service_code") or "").strip()
    if not code:
        return error(fmt, 400, "service_code is required.")
    found = selectors.service_get(service_code=code)
    if found is None:
        return error(fmt, 404, f"service_code {code} is not one of our services.")
    service, process = found
    try:
        report = report_parse(data=request.POST, service=service)
        submission = open311_report_submit(
            caller=caller, service=service, process=process, report=report
        )
    except Open311Invalid as exc:
        return error(fmt, 400, *exc.descriptions)
    except ValidationError as exc:  # the request services' own checks
        return error(fmt, 400, *exc.messages)
    reference = submission.service_request.reference
    followed = submission.outcome == submission.Outcome.FOLLOWED
    notice = (
        f"This was reported already as {reference}: we are dealing with it"
        + (" and will email the reporter about its progress." if report.email else ".")
        if followed
        else f"Thank you: logged as {reference}."
    )
    return respond(
        fmt,
        "service_requests",
        [
            {
                "service_request_id": reference,
                "token": submission.token,
                "service_notice": notice,
                "account_id": report.account_id or None,
            }
        ],
        status=201 if not followed else 200,
    )
