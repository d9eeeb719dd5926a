import csv
import io

import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEvent
from faq.models import SearchLog
from tests.factories.accounts import StaffFactory
from tests.reports.conftest import RANGE, at

pytestmark = pytest.mark.django_db


def staff_page(client, **params):
    return client.get(reverse("reports:report", args=["staff"]), {**RANGE, **params})


def cells(report, key):
    return [[c.text for c in row] for row in report.table(key).rows]


def test_administrators_see_everyone(admin_client_, contacts_set):
    report = staff_page(admin_client_).context["report"]
    # Ann: 3 contacts (4, 6, 5 min), 2 of 3 resolved first time; Bob: 2 (10, 2 min), 1 of 1.
    assert cells(report, "staff") == [
        ["Ann Able", "3", "66.7%", "5 min", "0", "0"],
        ["Bob Baker", "2", "100%", "6 min", "0", "0"],
    ]
    assert cells(report, "teams") == [
        ["Contact centre A", "3", "66.7%", "5 min"],
        ["Reception B", "2", "100%", "6 min"],
    ]


def test_team_leaders_see_their_own_teams(client, contacts_set, teams):
    leader = StaffFactory(username="leader-b", role=Role.TEAM_LEADER)
    leader.teams.add(teams[1])
    client.force_login(leader)
    report = staff_page(client).context["report"]
    assert [row[0] for row in cells(report, "staff")] == ["Bob Baker"]
    assert [row[0] for row in cells(report, "teams")] == ["Reception B"]


def test_staff_by_day_csv_streams_and_is_audited(admin_client_, contacts_set):
    response = staff_page(admin_client_, csv="staff_days")
    assert response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Day", "Member of staff", "Contacts"]
    assert rows[1:] == [
        ["2026-03-02", "agent-a", "2", "1", "2", "600"],
        ["2026-03-03", "agent-b", "2", "1", "2", "720"],
        ["2026-03-09", "agent-a", "1", "1", "1", "300"],
    ]
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT, detail__table="staff_days"
    ).exists()


def test_knowledge_report_shows_searches_without_result(team_leader_client, reference_data):
    for query, count in (("bin day", 0), ("bin day", 0), ("council tax", 3)):
        log = SearchLog.objects.create(
            query=query, normalised=query, where="staff", result_count=count
        )
        SearchLog.objects.filter(pk=log.pk).update(created_at=at(3, 3, 12))
    response = team_leader_client.get(reverse("reports:report", args=["knowledge"]), RANGE)
    report = response.context["report"]
    assert cells(report, "searches_without_result") == [["bin day", "2", "3 Mar 2026"]]
    assert {h.label: h.value for h in report.headlines}["Found nothing"] == "66.7%"


def test_csv_cells_that_look_like_formulas_are_neutralised():
    from core.csv_export import csv_cell as neutralise

    assert neutralise("=SUM(A1)") == "'=SUM(A1)"
    assert neutralise("+44") == "'+44"
    assert neutralise("-1+2") == "'-1+2"
    assert neutralise(-1) == -1  # numbers stay numbers
    assert neutralise("@x") == "'@x"
    assert neutralise("\tx") == "'\tx"
    assert neutralise("Phone") == "Phone"


def test_request_stages_per_member_of_staff_from_the_summary_and_live(admin_client_, sla_set):
    # The officer ended four stage stays in April (three assessments, one collection) and
    # resolved one request. Unfiltered: read from the daily summary; by process: counted live.
    from tests.factories.requests_tracking import ProcessFactory
    from tests.reports.conftest import APRIL

    def request_figures(**params):
        response = admin_client_.get(
            reverse("reports:report", args=["staff"]), {**APRIL, **params}
        )
        return [row[-2:] for row in cells(response.context["report"], "staff")]

    assert request_figures() == [["4", "1"]]
    assert request_figures(process=sla_set["process"].code) == [["4", "1"]]
    assert request_figures(process=ProcessFactory(name="Graffiti").code) == []
