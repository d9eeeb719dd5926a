import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from tests.factories.accounts import StaffFactory

ROOT = Path(__file__).resolve().parents[2]
OIDC_ENV = {
    "OIDC_RP_CLIENT_ID": "crm-client",
    "OIDC_RP_CLIENT_SECRET": "secret",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://login.example/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://login.example/token",
    "OIDC_OP_USER_ENDPOINT": "https://login.example/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://login.example/keys",
}


def test_sso_is_switched_on_by_environment_alone():
    code = (
        "from django.conf import settings; from django.urls import reverse;"
        "print(settings.OIDC_ENABLED, reverse('oidc_authentication_init'),"
        "'accounts.oidc.StaffOIDCBackend' in settings.AUTHENTICATION_BACKENDS)"
    )
    env = {"PATH": os.environ["PATH"], **OIDC_ENV}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "True",
        "/oidc/authenticate/",
        "True",
    ]


@pytest.mark.django_db
@override_settings(**OIDC_ENV, OIDC_RP_SIGN_ALGO="RS256")
def test_sso_signs_in_existing_staff_matched_on_email_only():
    from accounts.oidc import StaffOIDCBackend

    staff = StaffFactory(username="jo", email="Jo.Bloggs@Council.example")
    StaffFactory(username="gone", email="gone@council.example", is_active=False)
    backend = StaffOIDCBackend()
    assert list(backend.filter_users_by_claims({"email": "jo.bloggs@council.example"})) == [staff]
    assert not backend.filter_users_by_claims({"email": "gone@council.example"}).exists()
    assert not backend.filter_users_by_claims({}).exists()
