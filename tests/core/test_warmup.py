"""A new gunicorn worker compiles the project's templates before it takes requests (#19)."""

import logging
import runpy
from pathlib import Path

from django.template import engines

from core.warmup import _project_template_dirs, warm_templates

ROOT = Path(__file__).resolve().parents[2]


def test_every_project_template_compiles_in_the_warm_up(caplog):
    dirs = _project_template_dirs(engines["django"])
    names = {path for directory in dirs for path in directory.rglob("*.html")}
    assert ROOT / "templates" / "base.html" in names
    assert ROOT / "citizens" / "templates" / "citizens" / "detail.html" in names
    with caplog.at_level(logging.ERROR, logger="core.warmup"):
        compiled = warm_templates()
    assert compiled == len(names)
    assert caplog.records == []  # a template that does not compile is logged, and fails here


def test_gunicorn_warms_each_worker_before_it_serves(monkeypatch):
    calls = []
    monkeypatch.setattr("core.warmup.warm", lambda: calls.append("warm"))
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    config["post_worker_init"](worker=None)
    assert calls == ["warm"]
