"""A Content-Security-Policy on every HTML page, with no inline script or style attribute for it
to block, and `Cache-Control: no-store` on every page and API answer (issue 11, item 10)."""

import re

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tests.security.walk import schema_operations, url_kwargs
from tests.security.world import url_patterns

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle=", re.IGNORECASE)


def _policy(response) -> dict[str, str]:
    header = response.get("Content-Security-Policy", "")
    return dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in header.split(";") if part.strip()
    )


# Public pages with nothing personal on them, which set their own caching.
OWN_CACHING = {
    "help:list": "public help pages: revalidated, no personal data",
    "help:detail": "public help pages: revalidated, no personal data",
}


def _check_page(path, response, failures, *, cacheable=False):
    if not response.get("Content-Type", "").startswith("text/html"):
        return
    policy = _policy(response)
    if "script-src" not in policy and "default-src" not in policy:
        failures.append(f"{path}: no Content-Security-Policy restricting scripts")
    elif "'unsafe-inline'" in policy.get("script-src", policy.get("default-src")):
        failures.append(f"{path}: the policy allows inline script")
    html = response.content.decode(errors="replace")
    for pattern, what in (
        (INLINE_SCRIPT, "an inline script"),
        (EVENT_HANDLER, "an inline event handler"),
        (STYLE_ATTRIBUTE, "a style attribute"),
    ):
        if not path.startswith("/admin/") and pattern.search(html):
            failures.append(f"{path}: {what}: {pattern.search(html).group()[:80]}")
    if not cacheable and "no-store" not in response.get("Cache-Control", ""):
        failures.append(f"{path}: Cache-Control is {response.get('Cache-Control')!r}")


def test_every_html_page_has_the_policy_and_no_store(world, staff_client):
    failures = []
    public = Client()
    checked = 0
    for pattern in url_patterns():
        if pattern.name.endswith("<unnamed>"):
            continue
        path = reverse(pattern.name, kwargs=url_kwargs(pattern, world))
        for client in (staff_client, public):
            response = client.get(path)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                checked += 1
            _check_page(path, response, failures, cacheable=pattern.name in OWN_CACHING)
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        path = reverse("admin:{}_{}_changelist".format(*info))
        _check_page(path, staff_client.get(path), failures)
    assert checked > 60
    assert not failures, "\n".join(failures)


def test_every_api_answer_is_no_store(world, staff_client):
    failures = []
    for method, path, _name in schema_operations(staff_client):
        if method != "GET":
            continue
        concrete = re.sub(r"\{pk\}", str(world.citizen.pk), path)
        concrete = concrete.replace("{system}", world.account.kind).replace(
            "{reference}", world.account.reference
        )
        response = staff_client.get(concrete)
        if "no-store" not in response.get("Cache-Control", ""):
            failures.append(f"{path}: Cache-Control is {response.get('Cache-Control')!r}")
    assert not failures, "\n".join(failures)


def test_error_pages_and_downloads_keep_their_headers(world, staff_client):
    missing = staff_client.get("/citizens/999999999/")
    assert missing.status_code == 404
    assert "script-src 'self'" in missing["Content-Security-Policy"]
    download = staff_client.get(
        reverse("requests_tracking:evidence_download", args=[world.request.pk, world.evidence.pk])
    )
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert download["X-Content-Type-Options"] == "nosniff"
