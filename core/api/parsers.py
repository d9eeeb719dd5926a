"""The API's only body parser: JSON, refusing NUL characters (PostgreSQL text cannot hold them,
so they would otherwise fail deep inside a write instead of as a plain 400)."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


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
        data = super().parse(stream, media_type, parser_context)
        if _has_nul(data):
            raise ParseError("Remove the NUL character (\\u0000) from the body.")
        return data
