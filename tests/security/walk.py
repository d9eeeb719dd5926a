"""Helpers shared by the URL walks: the schema's operations and a model's citizen."""

import re

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
