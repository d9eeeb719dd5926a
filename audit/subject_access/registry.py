import datetime
import decimal
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.utils.module_loading import autodiscover_modules


@dataclass
class Section:
    """One app's part of the bundle: tables of records, and files to put in the zip."""

    title: str
    tables: dict[str, list[dict]] = field(default_factory=dict)
    # (path inside the zip under files/, function returning the bytes)
    files: list[tuple[str, Callable[[], bytes]]] = field(default_factory=list)


@dataclass(frozen=True)
class Exporter:
    app_label: str
    title: str
    # Every model of the app holding data about a citizen ("requests_tracking.request"…).
    models: tuple[str, ...]
    export: Callable  # export(citizen) -> Section
    order: int = 100


_exporters: dict[str, Exporter] = {}


def register(exporter: Exporter) -> Exporter:
    """Register (or, for the same app label, replace) an app's exporter."""
    _exporters[exporter.app_label] = exporter
    return exporter


def exporters() -> list[Exporter]:
    return sorted(_exporters.values(), key=lambda e: (e.order, e.app_label))


def covered_models() -> set[str]:
    return {label for exporter in _exporters.values() for label in exporter.models}


def autodiscover() -> None:
    """Import each installed app's `subject_access` module, which registers its exporter."""
    autodiscover_modules("subject_access")


# --- helpers for exporters --------------------------------------------------------------------


def value(obj, f):
    if f.is_relation:
        related = getattr(obj, f.name)
        return None if related is None else str(related)
    raw = getattr(obj, f.attname)
    if isinstance(raw, datetime.datetime | datetime.date | datetime.time):
        return raw.isoformat()
    if isinstance(raw, decimal.Decimal):
        return str(raw)
    if isinstance(raw, models.fields.files.FieldFile):
        return raw.name or None
    return raw


def record(obj, *, exclude=(), extra=None) -> dict:
    """Every stored field of a row, readable (related rows by name), minus `exclude`."""
    row = {"id": obj.pk}
    for f in obj._meta.concrete_fields:
        if f.primary_key or f.name in exclude:
            continue
        row[f.name] = value(obj, f)
    if extra:
        row.update(extra)
    return row
