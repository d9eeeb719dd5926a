"""A client generated from the OpenAPI schema (openapi-python-client) works against the API.

The schema is written by drf-spectacular, the client package generated from it into a temporary
directory, imported and used over real HTTP: create a citizen (with an Idempotency-Key), read
it back, page through a list, read the change feed, and get typed errors for a 400 and a 404.
"""

import importlib
import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def crm_client(tmp_path, monkeypatch):
    schema = tmp_path / "schema.json"
    call_command("spectacular", file=str(schema), format="openapi-json", stdout=io.StringIO())
    config = tmp_path / "config.yaml"
    config.write_text("package_name_override: crm_client\npost_hooks: []\n")
    subprocess.run(
        [
            str(Path(sys.executable).with_name("openapi-python-client")),
            "generate",
            "--path",
            str(schema),
            "--config",
            str(config),
            "--meta",
            "none",
            "--output-path",
            str(tmp_path / "crm_client"),
        ],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m == "crm_client" or m.startswith("crm_client.")]:
        del sys.modules[name]
    return importlib.import_module("crm_client")


def test_generated_client_creates_reads_lists_and_gets_typed_errors(
    crm_client, live_server, administrator
):
    from crm_client.api.citizens import citizens_create, citizens_list, citizens_retrieve
    from crm_client.api.integration import changes_list
    from crm_client.models import Citizen, CitizenWriteRequest, Error, FieldErrors

    out = io.StringIO()
    call_command("create_api_token", administrator.username, stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    client = crm_client.AuthenticatedClient(base_url=live_server.url, token=token, prefix="Token")

    body = CitizenWriteRequest(
        first_name="Grace",
        last_name="Hopper",
        email="grace@example.com",
        postcode="sw1a 1aa",
        address_line_1="1 Navy Street",
    )
    created = citizens_create.sync(client=client, body=body, idempotency_key="gen-1")
    assert isinstance(created, Citizen)
    assert created.postcode == "SW1A 1AA"
    assert created.date_of_birth is None  # documented as nullable, parsed as None
    again = citizens_create.sync(client=client, body=body, idempotency_key="gen-1")
    assert again.id == created.id

    fetched = citizens_retrieve.sync(client=client, id=created.id)
    assert (fetched.reference, fetched.version) == (created.reference, 1)

    page = citizens_list.sync(client=client, q="Hopper")
    assert page.count == 1
    assert page.results[0].id == created.id
    assert page.next_ is None

    feed = changes_list.sync(client=client)
    assert [(c.event.value, c.object_.id) for c in feed.results] == [
        ("citizen.created", created.id)
    ]

    bad = citizens_create.sync(client=client, body=CitizenWriteRequest(last_name=""))
    assert isinstance(bad, FieldErrors)
    assert "last_name" in bad.additional_properties

    missing = citizens_retrieve.sync_detailed(client=client, id=999999)
    assert missing.status_code == 404
    assert isinstance(missing.parsed, Error)
