"""A new gunicorn worker compiles the project's templates before it takes requests (#19)."""

import logging
import runpy
from pathlib import Path

from django.template import engines

from core.warmup import _project_template_dirs, warm_templates
from tests.processes import fresh_process

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


def test_the_warm_up_loads_the_bank_holidays_so_no_request_imports_them():
    """The first bank-holiday lookup imports the `holidays` package's ~250 country modules; a
    new worker does it before it serves, so an SLA date on a request imports nothing."""
    script = (
        "import django, sys; django.setup()\n"
        "from core.warmup import warm\n"
        "from datetime import date\n"
        "from requests_tracking.working_time import _bank_holidays\n"
        "loaded = 'holidays.countries.united_kingdom' in sys.modules\n"
        "warm()\n"
        "before = set(sys.modules)\n"
        "for nation in ('ENG', 'WLS', 'SCT', 'NIR'):\n"
        "    assert date(date.today().year, 12, 25) in _bank_holidays(nation)\n"
        "print(loaded, sorted(set(sys.modules) - before))\n"
    )
    assert fresh_process(script) == "False []"
