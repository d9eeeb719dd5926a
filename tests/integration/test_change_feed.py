import pytest
from django.db import connection

from citizens import services as citizen_services
from integration.models import Change
from requests_tracking import services as request_services
from tests.factories import CitizenFactory, ProcessFactory

pytestmark = pytest.mark.django_db


def feed(api, **params):
    response = api.get("/api/v1/changes/", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_feed_lists_citizen_and_request_changes_in_order(api, administrator):
    citizen = citizen_services.citizen_create(
        actor=administrator,
        data={"first_name": "Ann", "last_name": "Other"},
        confirm_new=True,
        new_person_reason="test",
    )
    citizen_services.citizen_update(
        actor=administrator, citizen=citizen, version=citizen.version, data={"first_name": "Anne"}
    )
    request = request_services.request_create(
        actor=administrator, process=ProcessFactory(), citizen=citizen, description="Fly-tipping"
    )
    request_services.request_advance(actor=administrator, service_request=request)

    page = feed(api)
    events = [(c["event"], c["object"]["reference"]) for c in page["results"]]
    assert events == [
        ("citizen.created", citizen.reference),
        ("citizen.updated", citizen.reference),
        ("request.created", request.reference),
        ("request.stage_changed", request.reference),
    ]
    assert page["results"][1]["data"] == {"version": 2, "fields": ["first_name"]}
    assert page["results"][1]["actor"] == administrator.username
    assert page["has_more"] is False


def test_cursor_pages_through_without_repeats_or_gaps(api, administrator):
    people = [CitizenFactory() for _ in range(5)]
    for person in people:
        citizen_services.citizen_update(
            actor=administrator, citizen=person, version=person.version, data={"last_name": "X"}
        )
    seen, cursor = [], None
    while True:
        page = feed(api, limit=2, **({"since": cursor} if cursor else {}))
        seen += [c["object"]["id"] for c in page["results"]]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    assert seen == [p.pk for p in people]
    # Nothing new: the same cursor comes back, with no results, to poll again later.
    again = feed(api, since=cursor)
    assert again == {"results": [], "next_cursor": cursor, "has_more": False}
    other = CitizenFactory()
    citizen_services.citizen_update(
        actor=administrator, citizen=other, version=other.version, data={"last_name": "Y"}
    )
    assert [c["object"]["id"] for c in feed(api, since=cursor)["results"]] == [other.pk]


def test_merge_is_reported_on_the_absorbed_record(api, team_leader):
    survivor, merged = CitizenFactory(), CitizenFactory()
    citizen_services.citizens_merge(
        actor=team_leader, survivor=survivor, merged=merged, reason="Same person"
    )
    change = feed(api)["results"][-1]
    assert change["event"] == "citizen.merged"
    assert change["object"]["id"] == merged.pk
    assert change["data"]["merged_into"] == {"id": survivor.pk, "reference": survivor.reference}


@pytest.mark.parametrize("since", ["nonsense", "bm90LWEtY3Vyc29y", "%%%"])
def test_a_cursor_the_feed_did_not_give_is_a_400(api, since):
    response = api.get("/api/v1/changes/", {"since": since})
    assert response.status_code == 400
    assert list(response.json()) == ["since"]


@pytest.mark.parametrize("limit", ["0", "501", "ten", "-1"])
def test_limit_out_of_range_is_a_400(api, limit):
    assert api.get("/api/v1/changes/", {"limit": limit}).status_code == 400


def test_staff_without_citizen_access_cannot_read_the_feed(officer):
    from rest_framework.test import APIClient

    officer.user_permissions.clear()
    officer.groups.clear()
    client = APIClient()
    client.force_authenticate(officer)
    assert client.get("/api/v1/changes/").status_code == 403


def test_a_change_committed_late_is_numbered_after_those_already_read(api):
    """Numbers are given at publication to committed changes only, so a change written before
    a reader's cursor but published later still comes after the cursor."""
    first = Change.objects.create(
        event="citizen.created",
        object_type="citizen",
        object_id=1,
        reference="C1",
        occurred_at="2026-01-01T00:00:00Z",
    )
    page = feed(api)
    assert [c["object"]["id"] for c in page["results"]] == [1]
    # A change with a lower id than one already published (its transaction was slower).
    late = Change.objects.create(
        event="citizen.created",
        object_type="citizen",
        object_id=2,
        reference="C2",
        occurred_at="2026-01-01T00:00:00Z",
    )
    Change.objects.filter(pk=late.pk).update(id=first.pk - 1)
    later = feed(api, since=page["next_cursor"])
    assert [c["object"]["id"] for c in later["results"]] == [2]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has one writer at a time: no overlap"
)
@pytest.mark.django_db(transaction=True)
def test_a_slow_transaction_is_not_skipped_by_a_reader_that_went_past_it(api):
    """Real concurrency: a transaction writes a change and is slow to commit; meanwhile a later
    change commits and a reader reads it. When the slow one commits, it still comes after the
    reader's cursor."""
    import threading

    from django.db import connection as thread_connection
    from django.db import transaction

    written, release = threading.Event(), threading.Event()

    def slow_writer():
        try:
            with transaction.atomic():
                Change.objects.create(
                    event="citizen.created",
                    object_type="citizen",
                    object_id=1,
                    reference="SLOW",
                    occurred_at="2026-01-01T00:00:00Z",
                )
                written.set()
                release.wait(10)
        finally:
            thread_connection.close()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert written.wait(10)
    Change.objects.create(
        event="citizen.created",
        object_type="citizen",
        object_id=2,
        reference="FAST",
        occurred_at="2026-01-01T00:00:00Z",
    )
    page = feed(api)
    assert [c["object"]["reference"] for c in page["results"]] == ["FAST"]
    release.set()
    thread.join(10)
    later = feed(api, since=page["next_cursor"])
    assert [c["object"]["reference"] for c in later["results"]] == ["SLOW"]
