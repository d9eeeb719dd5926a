"""Handlers of other apps' domain signals: one module per source app, one function per event.

Each module registers a `timeline.sources.Source` when imported; `connect_all()` (called from
TimelineConfig.ready) connects them all.
"""

import importlib

from timeline.sources import SOURCES

# A new source app adds its module name here (e.g. "requests").
MODULES = ["citizens", "verification", "contacts", "requests", "faq", "forms", "integration"]


def connect_all() -> None:
    for name in MODULES:
        importlib.import_module(f"timeline.receivers.{name}")
    for source in SOURCES.values():
        source.connect()
