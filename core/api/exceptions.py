"""Every API error answer in one of two documented shapes (see `core.api.schema`).

- 400: `{"field": ["message", ...]}` — a message list per field (`non_field_errors` or `detail`
  for the body as a whole), nested errors flattened to `field.sub` / `field.0`.
- every other error: `{"detail": "message"}`.
"""

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


def field_errors(data) -> dict[str, list[str]]:
    """Flatten DRF/Django error data into {field: [message, ...]}."""
    out: dict[str, list[str]] = {}

    def walk(prefix, value):
        if isinstance(value, dict):
            for key, item in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), item)
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                if isinstance(item, dict | list | tuple):
                    walk(f"{prefix}.{index}" if prefix else str(index), item)
                else:
                    out.setdefault(prefix or "non_field_errors", []).append(str(item))
        else:
            out.setdefault(prefix or "non_field_errors", []).append(str(value))

    walk("", data)
    return out


def plain_exception_handler(exc, context):
    """DRF's handler with Django's exceptions mapped, and every body in a documented shape."""
    if isinstance(exc, ValidationError):
        data = exc.message_dict if hasattr(exc, "message_dict") else {"detail": exc.messages}
        return Response(field_errors(data), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if response.status_code == status.HTTP_400_BAD_REQUEST:
        response.data = field_errors(response.data)
    elif not (isinstance(response.data, dict) and isinstance(response.data.get("detail"), str)):
        response.data = {"detail": " ".join(sum(field_errors(response.data).values(), []))}
    return response
