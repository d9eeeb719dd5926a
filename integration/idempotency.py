"""`Idempotency-Key` on every API write: the same key and body twice make one change and get the
same answer; the same key with another body gets 422.

The key's row is inserted in the same transaction as the write it guards, before the view runs:
a second request with the same key waits on the unique index until the first commits, then
replays its stored answer (or, if the first failed and rolled back, runs as new). Answers that
change nothing and depend on the moment (401, 403, 429, 5xx) are not kept, so the client may
retry them with the same key. Keys are kept for `IDEMPOTENCY_KEY_HOURS` (24 by default).
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.utils import timezone

from integration.models import IdempotencyRecord

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
NOT_KEPT = {401, 403, 429}
MAX_KEY_LENGTH = 255


def _owner(request) -> str:
    """Who sent it: a hash of the credentials, so one client's keys never answer another's."""
    authorization = request.headers.get("Authorization", "")
    if authorization:
        basis = f"authorization:{authorization}"
    elif getattr(request, "user", None) is not None and request.user.is_authenticated:
        basis = f"staff:{request.user.pk}"
    else:
        basis = "anonymous"
    return hashlib.sha256(basis.encode()).hexdigest()


def _fingerprint(request) -> str:
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.get_full_path()}\n".encode())
    digest.update(request.body)
    return digest.hexdigest()


def _accepts(request) -> bool:
    """Whether the API view at this path takes this method (else it answers 405 itself)."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    view = getattr(match.func, "cls", None) or getattr(match.func, "view_class", None)
    return view is None or hasattr(view, request.method.lower())


def _replay(record) -> HttpResponse:
    response = HttpResponse(
        bytes(record.body), status=record.status_code, content_type=record.content_type
    )
    response["Idempotent-Replayed"] = "true"
    return response


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get("Idempotency-Key")
        if key is None or request.method not in WRITE_METHODS:
            return self.get_response(request)
        if not request.path.startswith("/api/") or not _accepts(request):
            return self.get_response(request)
        if not key.strip() or len(key) > MAX_KEY_LENGTH:
            return JsonResponse(
                {"Idempotency-Key": [f"Send a key of 1 to {MAX_KEY_LENGTH} characters."]},
                status=400,
            )
        try:
            fingerprint = _fingerprint(request)
        except Exception:  # body too large or unreadable: let the view answer as it would
            return self.get_response(request)
        owner = _owner(request)
        with transaction.atomic():
            stale = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)
            IdempotencyRecord.objects.filter(owner=owner, key=key, created_at__lt=stale).delete()
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        owner=owner, key=key, fingerprint=fingerprint
                    )
            except IntegrityError:
                record = IdempotencyRecord.objects.get(owner=owner, key=key)
                if record.fingerprint != fingerprint:
                    return JsonResponse(
                        {
                            "detail": "This Idempotency-Key was already used for a different "
                            "request. Use a new key for a new request."
                        },
                        status=422,
                    )
                return _replay(record)
            response = self.get_response(request)
            if response.status_code >= 500 or response.status_code in NOT_KEPT:
                transaction.set_rollback(True)
                return response
            if getattr(response, "streaming", False):
                return response
            record.status_code = response.status_code
            record.content_type = response.get("Content-Type", "application/json")
            record.body = response.content
            record.save(update_fields=["status_code", "content_type", "body"])
            return response
