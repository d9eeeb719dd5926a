"""Dynamic content: locked without a verification pass, shown under one, locked again when the
contact ends; each display audited; never cached; connectors that fail say "not available"."""

import contextlib
import logging
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from contacts.models import Contact
from faq.connectors import HttpConnector, account_data_fetch
from faq.models import ServiceConnector
from tests.factories import ContactFactory
from tests.factories.faq import DynamicBlockFactory
from tests.faq.conftest import COUNCIL_TAX_ANSWERS
from verification.services import verification_attempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def block(db):
    return DynamicBlockFactory()


def _content(client, account):
    return client.get(
        reverse("faq:citizen_content", args=[account.citizen_id]), HTTP_HX_REQUEST="true"
    )


def _dynamic_audits():
    return [e for e in AuditEvent.objects.all() if e.detail.get("what") == "dynamic content"]


def test_block_is_locked_without_a_pass(agent_client, council_tax_account, block):
    response = _content(agent_client, council_tax_account)
    page = response.content.decode()
    assert "Verify the caller for council tax" in page
    assert "£1,234.50" not in page
    verify = reverse(
        "verification:verify", args=[council_tax_account.citizen_id, council_tax_account.pk]
    )
    assert verify in page
    assert _dynamic_audits() == []


def test_block_is_shown_under_a_pass_in_the_contact_and_locked_when_it_ends(
    agent_client, agent, council_tax_account, block
):
    contact = ContactFactory(agent=agent, citizen=council_tax_account.citizen)
    attempt = verification_attempt(
        actor=agent,
        service_account=council_tax_account,
        answers=COUNCIL_TAX_ANSWERS,
        contact=contact,
    )
    assert attempt.result == "pass"
    response = _content(agent_client, council_tax_account)
    page = response.content.decode()
    assert "Your balance is <strong>£1,234.50</strong>" in page
    assert "<strong>£123.45</strong> on <strong>1 December 2026</strong>" in page
    assert "no-store" in response["Cache-Control"]

    Contact.objects.filter(pk=contact.pk).update(
        status=Contact.Status.ENDED, ended_at=timezone.now()
    )
    page = _content(agent_client, council_tax_account).content.decode()
    assert "£1,234.50" not in page
    assert "Verify the caller for council tax" in page


def test_a_pass_from_another_contact_does_not_unlock(
    agent_client, agent, council_tax_account, block
):
    old = ContactFactory(agent=agent, citizen=council_tax_account.citizen, ended=True)
    verification_attempt(
        actor=agent, service_account=council_tax_account, answers=COUNCIL_TAX_ANSWERS, contact=old
    )
    ContactFactory(agent=agent, citizen=council_tax_account.citizen)
    assert "£1,234.50" not in _content(agent_client, council_tax_account).content.decode()


def test_without_a_contact_a_pass_counts_until_it_expires(
    agent_client, agent, council_tax_account, block
):
    attempt = verification_attempt(
        actor=agent, service_account=council_tax_account, answers=COUNCIL_TAX_ANSWERS
    )
    assert "£1,234.50" in _content(agent_client, council_tax_account).content.decode()
    type(attempt).objects.filter(pk=attempt.pk).update(
        valid_until=timezone.now() - timedelta(seconds=1)
    )
    assert "£1,234.50" not in _content(agent_client, council_tax_account).content.decode()


def test_another_members_pass_does_not_unlock(client, agent, officer, council_tax_account, block):
    verification_attempt(
        actor=agent, service_account=council_tax_account, answers=COUNCIL_TAX_ANSWERS
    )
    client.force_login(officer)
    assert "£1,234.50" not in _content(client, council_tax_account).content.decode()


def test_every_display_is_audited_without_the_values(
    agent_client, agent, council_tax_account, block
):
    verification_attempt(
        actor=agent, service_account=council_tax_account, answers=COUNCIL_TAX_ANSWERS
    )
    _content(agent_client, council_tax_account)
    _content(agent_client, council_tax_account)
    audits = _dynamic_audits()
    assert len(audits) == 2
    for event in audits:
        assert event.actor == agent
        assert event.citizen_id == council_tax_account.citizen_id
        assert event.object_id == str(council_tax_account.pk)
        assert event.detail["blocks"] == [block.pk]
        assert "1234" not in str(event.detail)


def test_a_locked_verification_says_so(agent_client, agent, council_tax_account, block):
    for _ in range(3):
        verification_attempt(
            actor=agent, service_account=council_tax_account, answers={"account_reference": "x"}
        )
    page = _content(agent_client, council_tax_account).content.decode()
    assert "locked after too many wrong answers" in page


def test_content_page_works_without_javascript(agent_client, council_tax_account, block):
    response = agent_client.get(
        reverse("faq:citizen_content", args=[council_tax_account.citizen_id])
    )
    assert response.status_code == 200
    assert "<h1" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_invalid_stored_snapshot_shows_not_available_and_logs_no_values(
    agent_client, agent, council_tax_account, block, caplog
):
    council_tax_account.snapshot = {"Balance": "£120.00"}  # free text from before the schema
    council_tax_account.save()
    verification_attempt(
        actor=agent, service_account=council_tax_account, answers=COUNCIL_TAX_ANSWERS
    )
    with caplog.at_level(logging.WARNING, logger="faq.connectors"):
        page = _content(agent_client, council_tax_account).content.decode()
    assert "not available right now" in page
    assert "stored snapshot invalid" in caplog.text
    assert "120" not in caplog.text


# --- the HTTP connector, against a local server ------------------------------------------------


class _Backoffice(BaseHTTPRequestHandler):
    delay = 0.0
    status = 200
    body = b""
    seen = []

    def do_GET(self):  # noqa: N802
        type(self).seen.append((self.path, self.headers.get("Authorization")))
        time.sleep(type(self).delay)
        self.send_response(type(self).status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(type(self).body)

    def log_message(self, *args):
        pass


@pytest.fixture
def backoffice():
    _Backoffice.delay, _Backoffice.status, _Backoffice.seen = 0.0, 200, []
    _Backoffice.body = (
        b'{"snapshot": {"band": "B", "balance": "99.00", "next_instalment_amount": "11.00",'
        b' "next_instalment_date": "2027-01-01"}, "updated_at": "2026-11-28T10:00:00Z"}'
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Backoffice)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/accounts/", _Backoffice
    server.shutdown()
    server.server_close()


def test_http_connector_reads_the_back_office_with_its_token(backoffice, council_tax_account):
    url, handler = backoffice
    data = HttpConnector(url=url, token="s3cret").fetch(council_tax_account)
    assert str(data.values["balance"]) == "99.00"
    assert data.updated_at.year == 2026
    assert handler.seen == [("/accounts/CT00000042", "Bearer s3cret")]


def test_http_connector_times_out_after_two_seconds_to_not_available(
    agent_client, agent, council_tax_account, block, backoffice, caplog
):
    url, handler = backoffice
    handler.delay = 3.5
    ServiceConnector.objects.create(service_account_kind="council_tax", backend="http", url=url)
    verification_attempt(
        actor=agent, service_account=council_tax_account, answers=COUNCIL_TAX_ANSWERS
    )
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="faq.connectors"):
        response = _content(agent_client, council_tax_account)
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert "This information is not available right now" in response.content.decode()
    assert elapsed < 3.0
    assert "Dynamic content unavailable" in caplog.text


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (500, b"{}", "answered HTTP 500"),
        (200, b"not json", "answer is not JSON"),
        (200, b'{"band": "Z", "balance": "1.00"}', "answer invalid"),
    ],
)
def test_http_connector_failures_are_unavailable(
    backoffice, council_tax_account, status, body, reason, caplog
):
    url, handler = backoffice
    handler.status, handler.body = status, body
    with caplog.at_level(logging.WARNING, logger="faq.connectors"):
        assert account_data_fetch(council_tax_account, connector=HttpConnector(url=url)) is None
    assert reason in caplog.text


def test_http_connector_refused_connection_is_unavailable(council_tax_account):
    connector = HttpConnector(url="http://127.0.0.1:9/accounts/")
    assert account_data_fetch(council_tax_account, connector=connector) is None


def test_connector_time_limit_cannot_exceed_two_seconds():
    assert HttpConnector(url="http://x/", timeout=30).timeout == 2.0
    from django.core.exceptions import ValidationError

    config = ServiceConnector(
        service_account_kind="benefits", backend="http", url="", timeout_seconds=5
    )
    with pytest.raises(ValidationError) as exc:
        config.full_clean()
    assert set(exc.value.message_dict) == {"url", "timeout_seconds"}
