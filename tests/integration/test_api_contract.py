"""The OpenAPI schema is the contract: schemathesis, driven by the schema alone, finds nothing.

Runs the schemathesis command line, with all its checks and a capped number of examples per
operation, over real HTTP against a live server holding realistic data. It runs in the
PostgreSQL pass of CI only, on purpose: it takes about a minute, and what it proves (the
answers match the schema) does not depend on the database engine; the SQLite pass skips it.
"""

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from tests.factories import (
    AddressFactory,
    CitizenFactory,
    ContactFactory,
    EmailAddressFactory,
    NoteFactory,
    PhoneNumberFactory,
    ProcessFactory,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="schema conformance runs in the PostgreSQL pass of CI only (see module docstring)",
    ),
]

MAX_EXAMPLES = 12


def api_token(username) -> str:
    out = io.StringIO()
    call_command("create_api_token", username, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


@pytest.fixture
def register(reference_data, administrator):
    """Citizens with and without optional details, a request, a contact, notes."""
    from requests_tracking.services import request_create

    full = CitizenFactory(first_name="Ada", last_name="Lovelace")
    AddressFactory(citizen=full)
    EmailAddressFactory(citizen=full, email="ada@example.com")
    PhoneNumberFactory(citizen=full)
    NoteFactory(citizen=full, author=administrator)
    CitizenFactory(first_name="", last_name="Nobody", date_of_birth=None)
    ContactFactory(citizen=full, agent=administrator)
    request_create(
        actor=administrator, process=ProcessFactory(), citizen=full, description="Bins missed"
    )
    return full


def test_schemathesis_finds_nothing(live_server, register, administrator, tmp_path, settings):
    # Schemathesis sends far more than a client would; the per-token limit has its own tests.
    settings.API_RATE_LIMIT_PER_MINUTE = 0
    token = api_token(administrator.username)
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(Path(__file__).with_name("schemathesis.toml")),
        "--no-color",
        "run",
        f"{live_server.url}/api/v1/schema/?format=json",
        "--header",
        f"Authorization: Token {token}",
        "--checks",
        "all",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        "16",
        "--workers",
        "1",
        "--request-timeout",
        "30",
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=900, check=False, cwd=tmp_path
    )
    report = result.stdout
    if "FAILURES" in report:
        report = report[report.index("FAILURES") :]
    assert result.returncode == 0, report[:30000] + result.stderr[-3000:]
