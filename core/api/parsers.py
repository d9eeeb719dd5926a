"""The API's only body parser: JSON, with a nesting limit and refusing NUL characters.

A body nested thousands deep would otherwise exhaust Python's recursion (a 500 from deep inside
the decoder or a serializer); NUL characters cannot be held by PostgreSQL text, so they would
fail deep inside a write instead of as a plain 400.
"""

import json
import re

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# Strings first (so brackets inside them do not count), then every bracket.
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def json_depth(body: bytes) -> int:
    """How deeply arrays and objects nest in a JSON text, without parsing it."""
    depth = deepest = 0
    for match in _TOKENS.finditer(body):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        elif token in (b"]", b"}"):
            depth -= 1
    return deepest


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        body = stream.read() if stream is not None else b""
        limit = settings.API_JSON_MAX_DEPTH
        if json_depth(body) > limit:
            raise ParseError(f"The body nests arrays and objects more than {limit} deep.")
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(body.decode(encoding), parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as exc:
            raise ParseError(f"The body is not valid JSON: {exc}") from None
        if _has_nul(data):
            raise ParseError("Remove the NUL character (\\u0000) from the body.")
        return data


def _refuse_constant(name):
    raise ValueError(f"{name} is not a JSON number")
