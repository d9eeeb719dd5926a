"""Every font and image the GOV.UK and MOJ stylesheets ask for is served."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

CSS = [
    "node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css",
    "node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.css",
]


def _asset_urls():
    urls = set()
    for name in CSS:
        text = (Path(settings.BASE_DIR) / name).read_text()
        urls |= set(re.findall(r"url\(\"?(/assets/[^\")]+)\"?\)", text))
    return sorted(urls)


def test_the_stylesheets_ask_for_fonts_and_images():
    urls = _asset_urls()
    assert any("/assets/fonts/light-" in u and u.endswith(".woff2") for u in urls)
    assert any("/assets/images/" in u for u in urls)


@pytest.mark.django_db
def test_every_asset_the_stylesheets_ask_for_is_served_without_sign_in():
    client = Client()  # the sign-in page needs the fonts too
    for url in _asset_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        assert "login" not in response.get("Location", "")
