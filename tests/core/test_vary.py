"""`Vary: HX-Request` is set in one place (core.middleware.HtmxVaryMiddleware)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/citizens/?q=smith", "/reports/contacts/"])
def test_html_answers_vary_on_hx_request(team_leader_client, path):
    response = team_leader_client.get(path)
    assert response.status_code == 200
    assert "HX-Request" in [v.strip() for v in response["Vary"].split(",")]


@pytest.mark.django_db
def test_json_answers_do_not(team_leader_client):
    response = team_leader_client.get("/api/v1/service-areas/")
    assert response.status_code == 200
    assert "HX-Request" not in response.get("Vary", "")


def test_no_view_sets_vary_itself():
    pattern = re.compile(r"vary_on_headers|patch_vary_headers|\[\"Vary\"\]\s*=")
    offenders = [
        path.relative_to(ROOT).as_posix()
        for path in ROOT.glob("*/**/*.py")
        if path.relative_to(ROOT).parts[0] not in {".venv", "node_modules", "tests", "bench"}
        and path.relative_to(ROOT).as_posix() != "core/middleware.py"
        and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
