"""Warm a new web worker before it takes requests (gunicorn's `post_worker_init`).

Django compiles a template the first time a page uses it and keeps it (the cached loader, on
whenever DEBUG is off), and builds the URL resolver on the first `reverse()`. A freshly started
or recycled gunicorn worker would make its first agents wait for all of that (~1.5 s on the
record page); doing it here, before the worker accepts connections, moves that cost off them.
Apps add their own warm-up work with `register_warm_up` (requests_tracking: the bank holidays).
"""

import logging
import time
from pathlib import Path

from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.template.utils import get_app_template_dirs
from django.urls import get_resolver

logger = logging.getLogger(__name__)


def _project_template_dirs(engine) -> list[Path]:
    base = Path(settings.BASE_DIR).resolve()
    dirs = []
    for directory in [*engine.dirs, *get_app_template_dirs("templates")]:
        path = Path(directory).resolve()
        # The project's own templates only; Django admin's are compiled on first use.
        if path.is_relative_to(base) and ".venv" not in path.parts and path.is_dir():
            dirs.append(path)
    return dirs


def warm_templates() -> int:
    """Compile every project template into the cached loader; returns how many."""
    engine = engines["django"]
    compiled = 0
    for directory in _project_template_dirs(engine):
        for path in sorted(directory.rglob("*.html")):
            name = path.relative_to(directory).as_posix()
            try:
                engine.get_template(name)
            except (TemplateDoesNotExist, TemplateSyntaxError):
                logger.exception("warm-up: template %s did not compile", name)
                continue
            compiled += 1
    return compiled


_warm_ups: list = []


def register_warm_up(func) -> None:
    """Apps add their own work for a new worker (from AppConfig.ready()): e.g. requests_tracking
    loads the bank holiday tables its SLA dates need."""
    if func not in _warm_ups:
        _warm_ups.append(func)


def warm() -> None:
    start = time.perf_counter()
    get_resolver()._populate()  # imports every view module and builds the URL resolver
    compiled = warm_templates()
    for func in _warm_ups:
        func()
    logger.info("warm-up: %d templates compiled in %.2f s", compiled, time.perf_counter() - start)
