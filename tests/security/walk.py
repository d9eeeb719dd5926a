"""Helpers shared by the URL walks: the schema's operations and a model's citizen."""

import re
from html.parser import HTMLParser

from django.urls import resolve


def schema_operations(client) -> list[tuple[str, str, str]]:
    """(method, path template, URL name) for every operation in the OpenAPI schema."""
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    document = schema.json()
    found = []
    for path, operations in document["paths"].items():
        sample = re.sub(r"\{[^}]+\}", "1", path)
        name = resolve(sample).view_name
        for method in operations:
            if method in {"get", "post", "put", "patch", "delete"}:
                found.append((method.upper(), path, name))
    return found


def citizen_relation(model) -> str | None:
    """The lookup from a model to the citizen it belongs to ("citizen", "request__citizen")."""
    if model._meta.label_lower == "citizens.citizen":
        return ""
    for field in model._meta.get_fields():
        related = field.related_model if field.many_to_one else None
        if related is not None and related._meta.label_lower == "citizens.citizen":
            return field.name
    for field in model._meta.get_fields():
        if field.many_to_one and field.related_model is not None:
            for inner in field.related_model._meta.get_fields():
                if (
                    inner.many_to_one
                    and inner.related_model is not None
                    and inner.related_model._meta.label_lower == "citizens.citizen"
                ):
                    return f"{field.name}__{inner.name}"
    return None


ROUTE_ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")


def route_args(route: str) -> list[str]:
    return [a or b for a, b in ROUTE_ARGUMENT.findall(route)]


def url_kwargs(pattern, world) -> dict:
    """Arguments naming real objects of the world for any URL pattern of the project."""
    from tests.security.classified import PERSONAL

    if pattern.name in PERSONAL:
        return PERSONAL[pattern.name].kwargs(world)
    app = pattern.name.split(":", 1)[0]
    pk = {
        "audit": world.sar.pk,
        "citizens": world.citizen.pk,
        "contacts": world.contact.pk,
        "requests_tracking": world.request.pk,
        "forms_engine": world.draft.pk,
        "faq": world.article.pk,
        "api": world.request.pk if "request" in pattern.name else world.citizen.pk,
        "integration": 1,
    }.get(app, 1)
    values = {
        "pk": pk,
        "flag_pk": world.flag.pk,
        "note_pk": world.note.pk,
        "other_pk": world.other.pk,
        "merge_pk": world.merge.pk,
        "account_pk": world.account.pk,
        "evidence_pk": world.evidence.pk,
        "file_pk": world.submission_file.pk,
        "citizen_id": world.citizen.pk,
        "action": "advance",
        "slug": world.article.slug if app == "help" else world.form.slug,
        "page_key": world.draft.current_page or "start",
        "token": {"forms_public": world.resume_token, "open311": "abc123"}.get(
            app, world.tracking_token
        ),
        "fmt": "json",
        "service_code": "missing",
        "service_request_id": world.request.reference,
        "system": world.account.kind,
        "reference": world.account.reference,
        "key": "requests",  # a report of the reports section
    }
    if app == "forms_engine" and pattern.name.endswith(("portal", "form_submissions", "start")):
        portal = world.form.portals.order_by("pk").first()
        values["slug"] = portal.slug if pattern.name.endswith("portal") else world.form.slug
    return {name: values[name] for name in route_args(pattern.route)}


class _FormFinder(HTMLParser):
    """The forms of a page: (method, action, field names) — what a browser would submit."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            method = (attrs.get("method") or "get").upper()
            self.forms.append((method, attrs.get("action") or "", set()))
        elif (
            tag in ("input", "select", "textarea")
            and self.forms
            and attrs.get("name")
            and attrs.get("type") not in ("submit", "file", "image", "button")
        ):
            self.forms[-1][2].add(attrs["name"])


def page_forms(html: str) -> list[tuple[str, str, set]]:
    finder = _FormFinder()
    finder.feed(html)
    return finder.forms
