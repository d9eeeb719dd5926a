import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from tests.factories import EntryFactory, ServiceAreaFactory, StaffFactory
from tests.timeline import builders as make
from timeline.models import Category, Entry, Kind
from timeline.selectors import cursor_decode, cursor_encode, timeline_feed

pytestmark = pytest.mark.django_db


def at(day, hour=12):
    return timezone.make_aware(datetime.datetime(2026, 3, day, hour, 0))


def feed_url(citizen, **params):
    return reverse("timeline:citizen_feed", kwargs={"pk": citizen.pk})


def ids(feed):
    return [e.pk for e in feed.entries]


@pytest.fixture
def mixed(db):
    """One citizen's feed: contacts in Waste by one agent, notes in Council Tax by another."""
    citizen = make.citizen()
    waste = ServiceAreaFactory(name="Waste Management")
    tax = ServiceAreaFactory(name="Council Tax")
    alice = StaffFactory(first_name="Alice", last_name="Agent")
    bob = StaffFactory(first_name="Bob", last_name="Booth")
    entries = {
        "waste_call": EntryFactory(
            citizen=citizen,
            kind=Kind.CONTACT_ENDED,
            service_area=waste,
            actor=alice,
            occurred_at=at(1),
            summary="Phone contact ended: Resolved – Missed bin",
        ),
        "tax_note": EntryFactory(
            citizen=citizen,
            kind=Kind.NOTE_ADDED,
            service_area=tax,
            actor=bob,
            occurred_at=at(10),
            summary="Note: asked about single person discount",
        ),
        "waste_note": EntryFactory(
            citizen=citizen,
            kind=Kind.NOTE_ADDED,
            service_area=waste,
            actor=alice,
            occurred_at=at(20),
            summary="Note: bin left at the wrong house",
        ),
        "verified": EntryFactory(
            citizen=citizen,
            kind=Kind.VERIFICATION_PASSED,
            service_area=tax,
            actor=bob,
            occurred_at=at(25),
            summary="Verified against Council tax account 123",
        ),
    }
    EntryFactory(kind=Kind.NOTE_ADDED, service_area=waste, occurred_at=at(15))  # someone else
    return citizen, waste, tax, alice, bob, entries


def test_feed_is_newest_first_and_only_this_citizen(mixed):
    citizen, *_, e = mixed
    feed = timeline_feed(citizen=citizen, filters={})
    assert ids(feed) == [
        e["verified"].pk,
        e["waste_note"].pk,
        e["tax_note"].pk,
        e["waste_call"].pk,
    ]
    assert feed.total == 4


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"kind": [Category.NOTES]}, ["waste_note", "tax_note"]),
        ({"kind": [Category.NOTES, Category.CONTACTS]}, ["waste_note", "tax_note", "waste_call"]),
        ({"service_area": "WASTE"}, ["waste_note", "waste_call"]),
        ({"since": "10/03/2026"}, ["verified", "waste_note", "tax_note"]),
        ({"until": "10/03/2026"}, ["tax_note", "waste_call"]),
        ({"since": "2/3/2026", "until": "20/3/2026"}, ["waste_note", "tax_note"]),
        ({"actor": "BOB"}, ["verified", "tax_note"]),
        ({"q": "bin"}, ["waste_note", "waste_call"]),
        ({"q": "BIN wrong"}, ["waste_note"]),
        (
            {
                "kind": [Category.NOTES],
                "service_area": "WASTE",
                "actor": "ALICE",
                "q": "house",
                "since": "01/03/2026",
                "until": "31/03/2026",
            },
            ["waste_note"],
        ),
        ({"kind": [Category.CONTACTS], "actor": "BOB"}, []),
    ],
)
def test_filters_alone_and_combined(mixed, filters, expected):
    citizen, waste, tax, alice, bob, e = mixed
    swap = {"WASTE": str(waste.pk), "BOB": str(bob.pk), "ALICE": str(alice.pk)}
    filters = {k: swap.get(v, v) if isinstance(v, str) else v for k, v in filters.items()}
    feed = timeline_feed(citizen=citizen, filters=filters)
    assert feed.is_valid, feed.filterset.errors
    assert ids(feed) == [e[name].pk for name in expected]


def test_until_includes_the_whole_last_day_in_uk_time(mixed):
    citizen, *_ = mixed
    late = EntryFactory(citizen=citizen, occurred_at=at(10, 23) + datetime.timedelta(minutes=59))
    feed = timeline_feed(citizen=citizen, filters={"until": "10/03/2026", "since": "10/03/2026"})
    assert late.pk in ids(feed)


def test_counts_per_kind_follow_the_other_filters_but_not_the_kind_filter(mixed):
    citizen, waste, *_ = mixed
    feed = timeline_feed(
        citizen=citizen, filters={"kind": [Category.NOTES], "service_area": str(waste.pk)}
    )
    assert {c: n for c, _label, n in feed.counts} == {"contacts": 1, "notes": 1}
    assert feed.total == 1  # the count of what the filters select: the Waste note only
    assert len(feed.entries) == feed.total


def test_heading_counts_only_the_kinds_ticked(mixed, agent_client):
    citizen, *_ = mixed
    for n in range(12):
        EntryFactory(citizen=citizen, kind=Kind.NOTE_ADDED, occurred_at=at(3 + n))
    response = agent_client.get(feed_url(citizen) + "?kind=contacts")
    content = response.content.decode()
    assert content.count('data-testid="timeline-entry"') == 1
    assert "1 entry matches these filters." in content
    response = agent_client.get(feed_url(citizen) + "?kind=contacts&kind=notes")
    assert "15 entries match these filters." in response.content.decode()


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"since": "31/02/2026"}, "Enter the ‘from’ date as day/month/year"),
        ({"until": "next tuesday"}, "Enter the ‘to’ date as day/month/year"),
        ({"since": "20/03/2026", "until": "1/3/2026"}, "must be the same as or after"),
        ({"service_area": "999999"}, "Choose a service area from the list"),
        ({"actor": "abc"}, "Choose a member of staff from the list"),
        ({"kind": ["gossip"]}, "Choose kinds of activity from the list"),
    ],
)
def test_bad_filters_say_what_is_wrong_and_show_nothing(mixed, agent_client, filters, message):
    citizen, *_ = mixed
    response = agent_client.get(feed_url(citizen), filters)
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert message in content
    assert 'data-testid="timeline-entry"' not in content


def test_keyset_pages_have_no_duplicates_or_gaps_when_new_events_arrive(db):
    citizen = make.citizen()
    same_time = at(5)
    # Ties on occurred_at too, so the id breaks them.
    for n in range(23):
        EntryFactory(
            citizen=citizen,
            occurred_at=same_time if n % 3 == 0 else at(1, 0) + datetime.timedelta(hours=n),
        )
    expected = list(
        Entry.objects.filter(citizen=citizen)
        .order_by("-occurred_at", "-id")
        .values_list("pk", flat=True)
    )
    seen, cursor = [], None
    while True:
        feed = timeline_feed(citizen=citizen, filters={}, after=cursor, limit=5)
        seen += ids(feed)
        # Something happens on the account between pages.
        EntryFactory(citizen=citizen, occurred_at=timezone.now())
        if not feed.next_cursor:
            break
        cursor = feed.next_cursor
    assert seen == expected


def test_cursor_round_trips_and_rejects_rubbish(db):
    entry = EntryFactory()
    assert cursor_decode(cursor_encode(entry)) == (entry.occurred_at, entry.pk)
    from timeline.selectors import BadCursor

    for rubbish in ["", "abc", "MjAyNnwx", "!!!"]:
        with pytest.raises(BadCursor):
            cursor_decode(rubbish)


def test_first_page_takes_the_same_number_of_queries_at_any_size(
    agent_client, django_assert_max_num_queries
):
    citizen = make.citizen()
    areas = [ServiceAreaFactory(), ServiceAreaFactory()]
    staff = [StaffFactory(), StaffFactory()]

    def add(n):
        Entry.objects.bulk_create(
            EntryFactory.build(
                citizen=citizen,
                service_area=areas[i % 2],
                actor=staff[i % 2],
                kind=list(Kind)[i % 9],
            )
            for i in range(n)
        )

    def queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            response = agent_client.get(feed_url(citizen), {"since": "1/1/2026"})
        assert response.status_code == 200
        return len(ctx.captured_queries)

    add(30)
    small = queries()
    add(600)
    with django_assert_max_num_queries(small):
        response = agent_client.get(feed_url(citizen), {"since": "1/1/2026"})
    assert response.content.decode().count('data-testid="timeline-entry"') == 25


def test_page_shows_entries_counts_and_load_more(mixed, agent_client):
    citizen, *_ = mixed
    for n in range(30):
        EntryFactory(citizen=citizen, occurred_at=at(2) + datetime.timedelta(minutes=n))
    response = agent_client.get(feed_url(citizen))
    content = response.content.decode()
    assert response.status_code == 200
    assert content.count('data-testid="timeline-entry"') == 25
    assert "Load more" in content
    assert "34 entries" in content
    assert "Verified against Council tax account 123" in content
    assert "HX-Request" in response["Vary"]


def test_member_of_staff_filter_offers_only_the_staff_on_this_timeline(mixed, agent_client):
    citizen, _waste, _tax, alice, bob, _entries = mixed
    elsewhere = StaffFactory(first_name="Carol", last_name="Elsewhere")
    EntryFactory(kind=Kind.NOTE_ADDED, actor=elsewhere)  # another citizen's timeline
    content = agent_client.get(feed_url(citizen)).content.decode()
    select = content[content.index('id="id_actor"') :].split("</select>")[0]
    assert f'value="{alice.pk}"' in select
    assert f'value="{bob.pk}"' in select
    assert "Carol Elsewhere" not in select
    # ... and a member of staff not on it is not a choice.
    response = agent_client.get(feed_url(citizen), {"actor": elsewhere.pk})
    assert "Choose a member of staff from the list" in response.content.decode()


def test_htmx_filter_request_returns_only_the_results(mixed, agent_client):
    citizen, waste, *_ = mixed
    response = agent_client.get(
        feed_url(citizen),
        {"service_area": waste.pk},
        headers={"HX-Request": "true", "HX-Target": "timeline-results"},
    )
    content = response.content.decode()
    assert '<div id="timeline-results"' in content
    assert "<html" not in content
    assert content.count('data-testid="timeline-entry"') == 2


def test_load_more_returns_the_next_entries_without_the_frame(mixed, agent_client):
    citizen, *_ = mixed
    for n in range(30):
        EntryFactory(citizen=citizen, occurred_at=at(2) + datetime.timedelta(minutes=n))
    first = timeline_feed(citizen=citizen, filters={})
    response = agent_client.get(
        feed_url(citizen), {"after": first.next_cursor}, headers={"HX-Request": "true"}
    )
    content = response.content.decode()
    assert "timeline-results" not in content
    assert content.count('data-testid="timeline-entry"') == 9


def test_load_more_works_without_javascript_and_bad_cursor_shows_the_newest(mixed, agent_client):
    citizen, *_ = mixed
    response = agent_client.get(feed_url(citizen), {"after": "not-a-cursor"})
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="timeline-entry"') == 4


def test_viewing_the_timeline_is_audited_once_per_view_not_per_page(mixed, agent_client, agent):
    citizen, *_ = mixed
    for n in range(30):
        EntryFactory(citizen=citizen, occurred_at=at(2) + datetime.timedelta(minutes=n))
    agent_client.get(feed_url(citizen), {"q": "bin"})
    first = timeline_feed(citizen=citizen, filters={})
    agent_client.get(feed_url(citizen), {"after": first.next_cursor})
    events = list(AuditEvent.objects.filter(citizen=citizen))
    assert len(events) == 1
    assert events[0].actor == agent
    assert events[0].action == AuditEvent.Action.VIEW
    assert events[0].detail == {"page": "timeline", "filters": {"q": ["bin"]}}


def test_staff_without_the_timeline_permission_are_refused(client, db):
    citizen = make.citizen()
    client.force_login(StaffFactory())
    response = client.get(feed_url(citizen))
    assert response.status_code == 403


def test_unknown_citizen_is_a_404(agent_client):
    assert agent_client.get("/timeline/citizens/999999/").status_code == 404


def test_merged_record_redirects_to_the_survivor(agent_client):
    survivor = make.citizen()
    merged = make.citizen(status="merged", merged_into=survivor)
    response = agent_client.get(feed_url(merged))
    assert response.status_code == 302
    assert response.url == feed_url(survivor)


def test_sensitive_changes_show_that_they_changed_but_never_the_values(agent_client):
    citizen = make.citizen()
    EntryFactory(
        citizen=citizen,
        kind=Kind.PROFILE_CHANGED,
        summary="Changed Last name, Date of birth",
        detail={
            "changes": [
                {"label": "Last name", "old": "Smith", "new": "Jones", "sensitive": False},
                {"label": "Date of birth", "old": None, "new": None, "sensitive": True},
            ]
        },
    )
    content = agent_client.get(feed_url(citizen)).content.decode()
    assert "Last name: Smith → Jones" in content
    assert "Date of birth: changed (not shown)" in content


def test_the_citizen_record_shows_the_timeline_panel_with_its_filters(agent_client):
    citizen = make.citizen()
    EntryFactory(citizen=citizen, summary="Note: the panel shows me")
    response = agent_client.get(
        reverse("citizens:detail", kwargs={"pk": citizen.pk}) + "?tab=timeline"
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="timeline-panel"' in content
    assert "Note: the panel shows me" in content
    assert f'hx-get="{feed_url(citizen)}"' in content


def test_the_timeline_tab_filters_are_the_feed_pages_and_follow_service_area_changes(
    mixed, agent_client
):
    citizen, waste, *_ = mixed
    tab = reverse("citizens:detail", kwargs={"pk": citizen.pk}) + "?tab=timeline"
    htmx = {"HX-Request": "true", "HX-Target": "record-tabs"}

    def form(content):
        start = content.index('id="timeline-filters"')
        return content[start : content.index("</form>", start)]

    page = agent_client.get(feed_url(citizen)).content.decode()
    panel = agent_client.get(tab, headers=htmx).content.decode()
    assert form(panel).replace("Filter the timeline</h3>", "Filter</h2>").replace(
        '<h3 class="govuk-heading-m">', '<h2 class="govuk-heading-m">'
    ) == form(page)
    waste.name = "Waste and Recycling"
    waste.save()
    ServiceAreaFactory(name="Brand new area")
    panel = agent_client.get(tab, headers=htmx).content.decode()
    assert ">Waste and Recycling</option>" in panel
    assert ">Brand new area</option>" in panel
    assert ">Waste Management</option>" not in panel
