"""What requests_tracking adds to other apps' screens, registered from AppConfig.ready()."""

import re

from django.db.models import Count, Window
from django.urls import reverse

from core.precompiled import PrecompiledRead
from requests_tracking.models import Request

PANEL_ROWS = 10
REFERENCE_RE = re.compile(r"^REQ-?\d{4}-?\d{6}$", re.IGNORECASE)


def _panel_read(citizen_id):
    return (
        Request.objects.filter(citizen_id=citizen_id)
        .select_related("process", "current_stage")
        # What the panel, the call summary and the actions show, not ~60 columns of three
        # wide rows (#19).
        .only(
            "citizen",
            "reference",
            "status",
            "sla_state",
            "breached_at",
            "due_at",
            "created_at",
            "process__name",
            "current_stage__name",
        )
        .annotate(all_count=Window(Count("id")))
        .order_by("-created_at")[: PANEL_ROWS + 1]
    )


# The record page asks on every visit: its SQL is built once per process (core.precompiled).
_panel = PrecompiledRead(_panel_read, citizen_id=-790_003_101)


def citizen_panel_context(request, citizen) -> dict:
    """Open requests first, then the most recent others, and the total (one query)."""
    rows = _panel.objects(citizen_id=citizen.pk)
    total = rows[0].all_count if rows else 0
    rows.sort(key=lambda r: not r.is_live)  # stable: open ones first, newest first within
    return {
        # The call summary lists the open ones (from the same rows: no query of its own).
        "open_requests": [r for r in rows[:PANEL_ROWS] if r.is_live],
        "citizen_requests": rows[:PANEL_ROWS],
        "more_requests": len(rows) > PANEL_ROWS,
        "request_total": total,
    }


def reference_to_citizens(text: str):
    """A request reference (REQ-2026-000123) finds the citizen who raised it."""
    token = text.strip().upper()
    if not REFERENCE_RE.match(token):
        return []
    digits = re.sub(r"\D", "", token)
    reference = f"REQ-{digits[:4]}-{digits[4:]}"
    return list(
        Request.objects.filter(reference=reference, citizen__isnull=False).values_list(
            "citizen_id", flat=True
        )
    )


def has_open_requests(queryset):
    return queryset.filter(requests__status__in=Request.LIVE_STATUSES).distinct()


def at_risk_prompts(*, citizen, staff):
    """Prompts for the agent at the start of a contact: this citizen's requests at risk."""
    from contacts.extensions import Prompt

    if citizen is None:
        return []
    rows = (
        Request.objects.live()
        .filter(citizen=citizen, sla_state__in=["at_risk", "breached"])
        .select_related("process")
        .order_by("-created_at")[:5]
    )
    words = {"breached": "past its due date", "at_risk": "at risk of missing its SLA"}
    return [
        Prompt(
            text=f"{r.reference} {r.process.name} is {words[r.sla_state]}",
            level="warning",
            url=reverse("requests_tracking:detail", kwargs={"pk": r.pk}),
        )
        for r in rows
    ]


def register_all() -> None:
    from citizens.filters import register_boolean_filter
    from citizens.panels import register_panel
    from citizens.search import register_reference_resolver
    from contacts.extensions import register_prompt_provider

    register_panel(
        "requests_tracking/_citizen_panel.html", order=30, context=citizen_panel_context
    )
    for slot in ("summary", "actions"):
        register_panel(
            f"requests_tracking/_citizen_{slot}.html",
            order=20,
            context=citizen_panel_context,
            slot=slot,
        )
    register_reference_resolver(reference_to_citizens)
    register_boolean_filter("has_open_requests", "Has open requests", has_open_requests)
    register_prompt_provider(at_risk_prompts)
    register_message_placeholders()
    from contacts.extensions import (
        register_contact_action,
        register_end_prefill,
        register_linked_related,
    )

    register_end_prefill(contact_end_prefill)
    register_linked_related(Request, "process")  # Request.__str__ names its process
    register_contact_action(contact_actions)


def contact_end_prefill(*, contact) -> dict:
    """A request raised during the contact says what it was about: its service area, the
    process's contact type in that area, and "Request raised" — so a common call ends in one
    or two choices."""
    raised = (
        Request.objects.filter(originating_contact=contact)
        .select_related("process")
        .order_by("created_at", "id")
        .first()
    )
    if raised is None:
        return {}
    kind = (
        raised.process.contact_types.filter(service_area_id=raised.service_area_id)
        .order_by("ordering", "name")
        .values_list("pk", flat=True)
        .first()
    )
    from contacts.models import Outcome

    prefill = {"service_area": raised.service_area_id}
    outcome = Outcome.objects.active().filter(code="request_raised").first()
    if outcome is not None:
        prefill["outcome"] = outcome.pk
    if kind:
        prefill["contact_type"] = kind
    return prefill


def contact_actions(*, contact, staff) -> list[tuple[str, str]]:
    """On an open contact, anonymous ones too (reports about places): raise a request."""
    if not staff.has_perm("requests_tracking.add_request"):
        return []
    url = reverse("requests_tracking:create")
    if contact.citizen_id:
        url += f"?citizen={contact.citizen_id}"
    return [("Raise a request", url)]


ON_THE_PAGE = "the date shown on your request's page"


def register_message_placeholders() -> None:
    """What `services.actions._context` fills for message templates, with words to send when
    a value is empty (a request with no stage description, a cancelled one with no estimate)."""
    from notifications.placeholders import register

    register("reference", "the request reference, REQ-2026-000123")
    register("citizen_name", "the citizen's name; followers get 'resident'", fallback="resident")
    register("process", "what the request is about, e.g. Bulky waste collection")
    register("stage", "the stage it is at now")
    register("stage_description", "what happens at that stage (may be empty)")
    register("status", "In progress, On hold, Resolved…")
    register("due_date", "the overall due date, 09/03/2026", fallback=ON_THE_PAGE)
    register("estimated_completion", "our best estimate of completion", fallback=ON_THE_PAGE)
    register("council_name", "the council's name")
    register("tracking_url", "the citizen's tracking page link")
