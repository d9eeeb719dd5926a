import csv
import io
from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories.contacts import ContactFactory

pytestmark = pytest.mark.django_db


def at(day, hour):
    return timezone.make_aware(datetime(2026, 3, day, hour, 15))


@pytest.fixture
def contacts(ref):
    # 2 March 2026 is a Monday.
    common = {"ended": True, "location": ref.contact_centre, "outcome": ref.resolved}
    return [
        ContactFactory(
            **common,
            channel=ref.phone,
            contact_type=ref.missed_bin,
            started_at=at(2, 9),
            avoidable=True,
            avoidable_reason=ref.chasing,
            resolved_at_first_contact=True,
        ),
        ContactFactory(
            **common,
            channel=ref.phone,
            contact_type=ref.missed_bin,
            started_at=at(2, 9),
            avoidable=False,
            resolved_at_first_contact=False,
        ),
        ContactFactory(
            **common,
            channel=ref.face_to_face,
            contact_type=ref.balance,
            started_at=at(3, 14),
            avoidable=False,
            resolved_at_first_contact=True,
        ),
        ContactFactory(
            **common,
            channel=ref.phone,
            contact_type=ref.balance,
            started_at=at(3, 14),
            avoidable=None,
            resolved_at_first_contact=None,
        ),
        # Outside the range.
        ContactFactory(
            **common, channel=ref.phone, contact_type=ref.balance, started_at=at(20, 14)
        ),
    ]


def rows(response, key):
    section = next(s for s in response.context["report"]["sections"] if s.key == key)
    return {r.label: r for r in section.rows}


def test_report_counts_and_rates_over_the_range(team_leader_client, contacts):
    response = team_leader_client.get(
        reverse("contacts:reports"), {"date_from": "01/03/2026", "date_to": "05/03/2026"}
    )
    assert response.status_code == 200
    overall = response.context["report"]["overall"]
    assert overall.total == 4
    assert overall.avoidable_rate == pytest.approx(33.3)  # 1 of the 3 with an answer
    assert overall.fcr_rate == pytest.approx(66.7)  # 2 of 3
    channels = rows(response, "channel")
    assert channels["Phone"].total == 3
    assert channels["Face to face"].total == 1
    assert channels["Phone"].bar == 100.0
    assert channels["Face to face"].bar == pytest.approx(33.3)
    assert rows(response, "service_area")["Waste Management"].total == 2
    assert rows(response, "contact_type")["Balance enquiry (Council Tax)"].total == 2
    assert rows(response, "location")["Contact centre"].total == 4
    hours = rows(response, "hour")
    assert hours["09:00–09:59"].total == 2
    assert hours["14:00–14:59"].total == 2
    assert len(hours) == 24
    days = rows(response, "weekday")
    assert days["Monday"].total == 2
    assert days["Tuesday"].total == 2
    assert days["Sunday"].total == 0
    body = response.content.decode()
    assert "app-report-bar" in body
    assert "33.3%" in body


def test_report_csv_export(team_leader_client, contacts):
    from audit.models import AuditEvent

    response = team_leader_client.get(
        reverse("contacts:reports"),
        {"date_from": "01/03/2026", "date_to": "05/03/2026", "format": "csv"},
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "contacts-20260301-20260305.csv" in response["Content-Disposition"]
    assert response.streaming
    body = b"".join(response.streaming_content).decode()
    lines = list(csv.reader(io.StringIO(body)))
    assert lines[0][0] == "Breakdown"
    assert lines[1][:3] == ["All", "All contacts", "4"]
    assert lines[2][:3] == ["Channel", "Phone", "3"]
    assert AuditEvent.objects.filter(action="export").exists()


def test_report_defaults_to_the_last_four_weeks(team_leader_client):
    response = team_leader_client.get(reverse("contacts:reports"))
    assert response.status_code == 200
    assert (response.context["date_to"] - response.context["date_from"]).days == 27


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "32/01/2026"}, "Enter a real ‘from’ date, like 1/3/2026."),
        ({"date_from": "10/03/2026", "date_to": "01/03/2026"}, "must be the same as or after"),
        ({"date_from": "01/01/2020", "date_to": "01/03/2026"}, "at most three years"),
    ],
)
def test_report_date_errors_are_plain(team_leader_client, params, message):
    response = team_leader_client.get(reverse("contacts:reports"), params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["report"] is None


def test_agents_cannot_see_reports(agent_client):
    assert agent_client.get(reverse("contacts:reports")).status_code == 403
