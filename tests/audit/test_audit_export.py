"""The audit trail in plain words on the page and as CSV, the export itself audited."""

import csv
import io

import pytest
from django.urls import reverse

from audit.describe import detail_words
from audit.models import AuditEvent
from audit.services import audit_record
from core.csv_export import csv_cell as _neutralise
from tests.factories import StaffFactory
from tests.timeline import builders as make

pytestmark = pytest.mark.django_db


def test_details_read_as_plain_words_not_a_python_dict():
    assert detail_words({"q": "smith", "results": 3}) == "Searched for “smith”; Results: 3"
    assert detail_words({"event": "contact_started", "channel": "phone"}) == (
        "Contact started; Channel: phone"
    )
    assert detail_words({"fields": ["first_name", "date_of_birth"]}) == (
        "Fields changed: first name, date of birth"
    )
    assert detail_words({"api": True, "q": "x"}) == "Through the API; Searched for “x”"
    assert detail_words({"confirmed": True, "undone": False}) == "Confirmed: yes; Undone: no"
    assert detail_words({}) == ""


def test_the_trail_page_shows_details_in_words(team_leader_client):
    audit_record(
        actor=StaffFactory(),
        action=AuditEvent.Action.SEARCH,
        detail={"q": "jones", "results": 2, "where": "identify caller"},
    )
    page = team_leader_client.get(reverse("audit:list")).content.decode()
    assert "Searched for “jones”; Results: 2; Where: identify caller" in page
    assert "{" not in page.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    assert "q: jones" not in page


def test_neutralise_defuses_spreadsheet_formulas():
    for cell in ("=SUM(A1)", "+1", "-2+3", "@cmd", "\tx", "\rx"):
        assert _neutralise(cell) == "'" + cell
    assert _neutralise("Smith") == "Smith"
    assert _neutralise("-12.50") == "-12.50"  # a number stays a number
    assert _neutralise(None) == ""


def test_the_trail_exports_as_csv_with_the_filters_and_the_export_is_audited(
    team_leader_client, team_leader
):
    alice = StaffFactory(first_name="Alice", last_name="Ash")
    bob = StaffFactory(first_name="Bob", last_name="Birch")
    citizen = make.citizen()
    audit_record(actor=alice, action=AuditEvent.Action.VIEW, obj=citizen)
    audit_record(
        actor=bob, action=AuditEvent.Action.SEARCH, detail={"q": '=HYPERLINK("x")', "results": 1}
    )
    response = team_leader_client.get(reverse("audit:list"), {"actor": bob.pk, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="audit-trail-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["When", "Who", "What they did"]
    assert len(rows) == 2  # header and Bob's one search, not Alice's view
    assert rows[1][1:4] == ["Bob Birch", "Searched", ""]
    assert rows[1][6] == 'Searched for “=HYPERLINK("x")”; Results: 1'
    exported = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert exported.actor == team_leader
    assert exported.detail == {"what": "audit trail", "filters": {"actor": str(bob.pk)}}


def test_a_formula_in_a_record_name_is_neutralised_in_the_csv(team_leader_client):
    AuditEvent.objects.create(action=AuditEvent.Action.VIEW, object_repr="=cmd|' /C calc'!A0")
    response = team_leader_client.get(reverse("audit:list"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][5] == "'=cmd|' /C calc'!A0"


def test_the_page_links_to_the_csv_of_the_same_filters(team_leader_client):
    page = team_leader_client.get(reverse("audit:list"), {"action": "search", "page": "1"})
    assert "?action=search&amp;format=csv" in page.content.decode()


def test_agents_cannot_export_the_trail(agent_client):
    assert agent_client.get(reverse("audit:list"), {"format": "csv"}).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
