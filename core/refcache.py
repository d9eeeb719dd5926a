"""Data that almost never changes, kept in each process between requests (#19).

Every signed-in page used to read the member of staff's roles and permissions, and every page
with a form the reference lists its selects offer (service areas, channels, locations…). They
are now kept in the process, stamped with a *generation*: one value in the shared cache
(Redis) that any change to such data replaces, after its transaction commits. A page reads the
generation once (one cache round trip, instead of a database query per list) and uses what the
process holds only if it was read under the same generation — so a change an administrator
makes is seen by every worker on its next page.

If the cache cannot be reached there is no generation: nothing kept is used and everything is
read from the database, as before. Nothing is kept longer than MAX_AGE either, which bounds how
long a change made while the cache was unreachable can go unseen by a worker that still holds
the old generation when the cache comes back.
"""

import logging
import threading
import time
import uuid

from django.core.cache import cache
from django.db import transaction
from django.forms.models import ModelChoiceIterator

logger = logging.getLogger(__name__)

GENERATION_KEY = "core:refcache:generation"
MAX_AGE = 300

_held: dict = {}
_lock = threading.Lock()
_request = threading.local()


_MISSING = object()


def generation_begin() -> None:
    """At the start of a request: the generation is read at most once per request."""
    _request.active = True
    _request.generation = _MISSING


def generation() -> str | None:
    """The current generation (None: keep nothing). Read once per request; outside a request
    (tasks, commands) on every call."""
    active = getattr(_request, "active", False)
    current = getattr(_request, "generation", _MISSING) if active else _MISSING
    if current is not _MISSING:
        return current
    try:
        current = cache.get(GENERATION_KEY)
        if current is None:
            cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
            current = cache.get(GENERATION_KEY)
    except Exception:
        logger.warning("Cache unreachable: reference data read from the database")
        current = None
    if current is None:
        _held.clear()
    if active:
        _request.generation = current
    return current


def generation_end() -> None:
    _request.active = False
    _request.generation = _MISSING


def held(key, build, *, models=()):
    """`build()`'s value, kept under `key` while the generation stays the same; any save or
    delete of a row of `models` replaces the generation."""
    for model in models:
        _watch(model)
    current = generation()
    if current is None:
        return build()
    now = time.monotonic()
    entry = _held.get(key)
    if entry is not None and entry[0] == current and now - entry[1] < MAX_AGE:
        return entry[2]
    value = build()
    with _lock:
        _held[key] = (current, now, value)
    return value


def refcache_clear() -> None:
    """Drop what this process holds (tests: each test's rolled-back rows must not outlive it)."""
    _held.clear()


def refcache_forget() -> None:
    """Reference data or someone's permissions changed: every process reads them again
    (once the change is committed, so nobody rereads the old rows)."""

    def bump():
        _held.clear()
        try:
            cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
        except Exception:
            logger.warning("Cache unreachable: reference data generation not replaced")

    _held.clear()
    # Until the request ends nothing is kept: what this transaction reads may yet roll back.
    _request.generation = None
    transaction.on_commit(bump)


class RefCacheMiddleware:
    """Reads the generation afresh for each request (at most once)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        generation_begin()
        try:
            return self.get_response(request)
        finally:
            generation_end()


# --- reference lists offered by forms' selects ---------------------------------------------

_watched: set = set()


def _watch(model) -> None:
    """Any saved or deleted row of `model` makes every process read its lists again."""
    from django.db.models.signals import post_delete, post_save

    if model in _watched:
        return
    for signal in (post_save, post_delete):
        signal.connect(
            _forget_rows, sender=model, weak=False, dispatch_uid=f"refcache.{model._meta.label}"
        )
    _watched.add(model)


def _forget_rows(sender, **kwargs):
    refcache_forget()


def _related_models(queryset):
    related = queryset.query.select_related
    if not isinstance(related, dict):
        return []
    model = queryset.model
    return [model._meta.get_field(name).related_model for name in related]


class HeldModelChoiceIterator(ModelChoiceIterator):
    """A select's rows kept per process (small reference lists: service areas, channels,
    locations, contact types, outcomes…), read again after any change to them."""

    def _rows(self):
        queryset = self.queryset
        for model in (queryset.model, *_related_models(queryset)):
            _watch(model)
        sql, params = queryset.query.sql_with_params()
        return held(("choices", sql, tuple(params)), lambda: list(queryset))

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self._rows():
            yield self.choice(obj)

    def __len__(self):
        return len(self._rows()) + (self.field.empty_label is not None)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self._rows())


def held_choices(field):
    """`field` (a ModelChoiceField over a small reference list) with its rows kept."""
    field.iterator = HeldModelChoiceIterator
    return field
