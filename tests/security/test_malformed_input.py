"""Malformed input never gives a server error (issue 11, item 7): every page and its forms, every
API operation, with JSON nested 10,000 deep, the wrong JSON type for each field and NUL
characters in every text field and query parameter. Answers are 4xx (the API's in its error
format) or a page saying what is wrong — never 5xx."""

import json

import pytest
from django.urls import reverse

from tests.security.walk import page_forms, schema_operations, url_kwargs
from tests.security.world import url_patterns

pytestmark = pytest.mark.django_db

NUL = "before\x00after"
DEEP = "[" * 10_000 + "]" * 10_000
QUERY_NAMES = ["q", "page", "sort", "status", "citizen", "date_from", "date_to", "since", "search"]


def _wrong_values(prop: dict) -> list:
    """Values of every JSON type but the one the schema asks for."""
    kind = prop.get("type")
    values = {"string": NUL, "integer": 7, "boolean": True, "array": [1], "object": {"a": 1}}
    wrong = [
        v for k, v in values.items() if k != kind and not (kind == "number" and k == "integer")
    ]
    return [*wrong, None] if not prop.get("nullable") else wrong


def _request(client, method, path, failures, **kwargs):
    try:
        response = getattr(client, method.lower())(path, **kwargs)
    except Exception as exc:  # the test client re-raises a view's exception (a 500)
        failures.append(f"{method} {path} {kwargs.get('data', '')!r:.120}: raised {exc!r:.200}")
        return None
    if response.status_code >= 500:
        failures.append(f"{method} {path} {kwargs.get('data', '')!r:.120}: {response.status_code}")
    return response


def test_no_page_or_form_gives_a_server_error_for_nul_characters(world, staff_client):
    failures = []
    for pattern in url_patterns():
        if pattern.name.startswith("api:") or pattern.name.endswith("<unnamed>"):
            continue  # the API is walked from its schema; an unnamed route repeats a named one

        path = reverse(pattern.name, kwargs=url_kwargs(pattern, world))
        query = dict.fromkeys(QUERY_NAMES, NUL)
        _request(staff_client, "GET", path, failures, data=query)
        page = _request(staff_client, "GET", path, failures)
        forms = []
        if page is not None and page.get("Content-Type", "").startswith("text/html"):
            forms = page_forms(page.content.decode(errors="replace"))
        for method, action, names in forms:
            data = {name: NUL for name in names if name != "csrfmiddlewaretoken"}
            target = action if action.startswith("/") else path
            _request(staff_client, method, target, failures, data=data)
        _request(staff_client, "POST", path, failures, data={"text": NUL, "reason": NUL})
    assert not failures, "\n".join(failures)


def test_no_api_operation_gives_a_server_error_for_malformed_json(world, staff_client):
    document = staff_client.get(
        "/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    ).json()
    components = document["components"]["schemas"]
    failures = []
    paths = {path for _, path, _ in schema_operations(staff_client)}
    for path in sorted(paths):
        operations = document["paths"][path]
        concrete = path
        for name, value in _path_values(world, path).items():
            concrete = concrete.replace("{" + name + "}", str(value))
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    _request(
                        staff_client, "GET", concrete, failures, data={parameter["name"]: NUL}
                    )
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if method == "get" or body is None:
                continue
            send = getattr(staff_client, method)
            for raw in (DEEP, '{"a": ' * 5000 + "1" + "}" * 5000, "\u0000", "[1, 2", "nan"):
                _request_raw(send, concrete, raw, failures)
            properties = _properties(body["schema"], components)
            for field, prop in properties.items():
                for value in _wrong_values(prop):
                    _request_raw(send, concrete, json.dumps({field: value}), failures)
            every = {f: NUL for f, p in properties.items() if p.get("type") == "string"}
            _request_raw(send, concrete, json.dumps(every), failures)
    assert not failures, "\n".join(failures)


def _request_raw(send, path, raw, failures):
    try:
        response = send(path, data=raw, content_type="application/json")
    except Exception as exc:
        failures.append(f"{path} {raw[:80]!r}: raised {exc!r:.200}")
        return
    if response.status_code >= 500:
        failures.append(f"{path} {raw[:80]!r}: {response.status_code}")
    elif response.status_code == 400:
        body = response.json()
        if not all(isinstance(v, list) for v in body.values()):
            failures.append(f"{path} {raw[:80]!r}: 400 not in the API's error format: {body}")


def _properties(schema, components) -> dict:
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return {
        name: components[p["$ref"].rsplit("/", 1)[-1]] if "$ref" in p else p
        for name, p in schema.get("properties", {}).items()
    }


def _path_values(world, path):
    if path.startswith("/api/v1/requests/"):
        return {"pk": world.request.pk}
    if path.startswith("/api/v1/submissions/"):
        return {"pk": world.submission.pk}
    if path.startswith("/api/v1/articles/"):
        return {"pk": world.article.pk}
    return {
        "pk": world.citizen.pk,
        "system": world.account.kind,
        "reference": world.account.reference,
    }
