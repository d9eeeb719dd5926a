"""GeoReport v2 responses in JSON and XML from one structure, and errors in the spec's form.

Lists become an XML element holding one element per item, named as the specification names
them (services/service, service_requests/request, errors/error, attributes/attribute,
values/value, endpoints/endpoint, formats/format). Empty values are JSON null and empty XML
elements; booleans are true/false.
"""

import json
from xml.etree import ElementTree

from django.http import HttpResponse

ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _element(tag: str, value) -> ElementTree.Element:
    element = ElementTree.Element(tag)
    if isinstance(value, dict):
        for key, inner in value.items():
            element.append(_element(key, inner))
    elif isinstance(value, list):
        item_tag = ITEM_TAGS[tag]
        for inner in value:
            element.append(_element(item_tag, inner))
    else:
        element.text = _text(value)
    return element


def to_xml(root: str, value) -> bytes:
    body = ElementTree.tostring(_element(root, value), encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode("utf-8")


def respond(fmt: str, root: str, value, *, status: int = 200) -> HttpResponse:
    """`value` under `root` (XML) or as is (JSON: lists and objects as the spec shows them)."""
    if fmt == "xml":
        content = to_xml(root, value)
    else:
        content = json.dumps(value, ensure_ascii=False).encode("utf-8")
    response = HttpResponse(content, status=status, content_type=CONTENT_TYPES[fmt])
    response["Cache-Control"] = "no-store"
    return response


def error(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """The spec's error list: [{"code": 400, "description": "..."}, …] / <errors><error>…"""
    errors = [{"code": status, "description": text} for text in descriptions]
    return respond(fmt, "errors", errors, status=status)
