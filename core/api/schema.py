"""The OpenAPI schema as a contract: every operation lists every status it can answer.

`ContractSchema` (DRF's DEFAULT_SCHEMA_CLASS) adds to what each view declares:

- the error answers every API operation can give, each with its body: 401 (no or a bad token),
  403 (not allowed), 404 (operations with an id in the path), 400 (writes, and reads that take
  query parameters), 413 (body too large), 415 (not JSON), 422 (an `Idempotency-Key` reused with
  another body) and 429 (rate limited, with `Retry-After`);
- the optional `Idempotency-Key` header on every write;
- the page envelope (`count`, `next`, `previous`, `results`) on lists that function views
  paginate with `PageNumberPagination` themselves.

The bodies are the two shapes `core.api.exceptions` guarantees: `Error` (`{"detail": "..."}`)
and `FieldErrors` (`{"field": ["message", ...]}`).
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in plain words.")


FIELD_ERRORS = {
    "type": "object",
    "description": "Messages per field name; `non_field_errors` or `detail` for problems with "
    "the body as a whole.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
RETRY_AFTER = {
    "schema": {"type": "integer"},
    "description": "Seconds to wait before trying again.",
    "required": True,
}

STANDARD_ERRORS = {
    "401": "No token, or the token is unknown, expired or revoked.",
    "403": "The token or member of staff may not do this.",
    "429": "Too many requests from this client: wait `Retry-After` seconds.",
}
WRITE_ERRORS = {
    "413": "The body is larger than the server accepts.",
    "415": "The body is not JSON (send `Content-Type: application/json`).",
    "422": "This `Idempotency-Key` was already used for a different request.",
}

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description="Any unique string (for example a UUID) up to 255 characters. Sending the same "
    "key and body again returns the first answer and changes nothing; the same key with a "
    "different body is refused with 422. Keys are kept for 24 hours.",
)


def page_of(serializer_class, name: str | None = None):
    """A page envelope around `serializer_class` for views that build their own page."""
    base = name or serializer_class.__name__.removesuffix("Serializer")
    return inline_serializer(
        f"Paginated{base}List",
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )


def null_when_read(field):
    """Mark a field that must be given when writing but can be null when read (an open contact
    has no outcome yet): documented as nullable in responses only."""
    # DRF deep-copies declared fields by re-instantiating their class, so the mark is a class.
    field.__class__ = type(field.__class__.__name__, (field.__class__,), {"_null_when_read": True})
    return field


class ContractSchema(AutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction == "response" and getattr(field, "_null_when_read", False):
            schema = {**schema, "nullable": True}
        return schema

    def _get_paginator(self):
        paginator = super()._get_paginator()
        if paginator is None and self.method == "GET" and not hasattr(self.view, "get_queryset"):
            # Function views page their lists with PageNumberPagination themselves.
            return PageNumberPagination()
        return paginator

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method in WRITE_METHODS:
            parameters.append(IDEMPOTENCY_KEY)
        return parameters

    def _component(self, name, schema):
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name
        )
        self.registry.register_on_missing(component)
        return component.ref

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        error = {
            "application/json": {
                "schema": self.resolve_serializer(ErrorSerializer, "response").ref
            }
        }
        field_errors = {
            "application/json": {"schema": self._component("FieldErrors", FIELD_ERRORS)}
        }
        responses = operation["responses"]

        def add(code, description, content):
            responses.setdefault(code, {"description": description, "content": content})

        queries = [p for p in operation.get("parameters", []) if p.get("in") == "query"]
        if self.method in WRITE_METHODS or queries:
            add("400", "The request is not valid: a message per field.", field_errors)
        for code, description in STANDARD_ERRORS.items():
            add(code, description, error)
        if "{" in self.path:
            add("404", "There is nothing with this id.", error)
        elif any(p["name"] == "page" for p in queries):
            add("404", "There is no such page.", error)
        if self.method in WRITE_METHODS:
            for code, description in WRITE_ERRORS.items():
                add(code, description, error)
        responses["429"].setdefault("headers", {"Retry-After": RETRY_AFTER})
        operation["responses"] = dict(sorted(responses.items()))
        return operation
