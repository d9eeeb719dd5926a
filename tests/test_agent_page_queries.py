"""Query budgets of every page an agent, an officer and a team leader use during a call
(issue #19; docs/performance.md, "Agent pages: where the time went").

Each page is requested through the test client as the signed-in member of staff — session,
user, permissions, contact bar, audit row and the page's own queries all counted — once for a
citizen with one of each thing (contact, note, request, timeline entry) and once for a citizen
with twenty. Every count must be within its budget, and the same for both citizens: a page
whose queries grow with the record is a page that slows down as the council uses it.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from citizens.services import note_add
from contacts.models import Channel, Contact, ContactType
from contacts.selectors import agent_outcomes
from organisation.models import Location
from requests_tracking.models import Request
from requests_tracking.services import request_create
from tests.factories import ContactFactory, EntryFactory, ProcessFactory, ServiceAccountFactory
from tests.factories.citizens import AddressFactory, CitizenFactory

pytestmark = pytest.mark.django_db

# Round trips per page, everything included (see the module docstring). Measured on
# PostgreSQL and SQLite; the larger of the two, which differ only in quick search.
# During a contact a full page's contact bar reads the services verified in it (one query):
# the bar used to be fetched again by htmx after every page, a whole request for that one query.
BUDGETS = {
    "search page": 12,
    "search results (htmx)": 3,
    "search results name (htmx)": 9,
    "record": 12,
    "record tab timeline (htmx)": 4,
    "record tab notes (htmx)": 3,
    "add note (POST)": 6,
    "timeline": 5,
    "start contact (POST)": 15,
    "faq contact panel (htmx)": 3,
    "contact types (htmx)": 0,
    "verify": 7,
    "raise request form": 5,
    "raise request (POST)": 14,
    "end contact (POST)": 17,
    "request list filtered": 3,
    "request page": 6,
    "request add note (POST)": 6,
    "request advance (POST)": 15,
    "report contacts": 9,
    "report requests": 8,
    "report staff": 6,
}
# PostgreSQL only: quick search's name tiers in one statement (SQLite's portable matching reads
# more), the citizen's row and lists on the record page in one (citizens.selectors).
POSTGRESQL_BUDGETS = {"search page": 9, "search results name (htmx)": 3, "record": 8}
SIZES = (1, 20)


@pytest.fixture
def world(reference_data, agent, officer, team_leader):
    process = ProcessFactory()
    officer.service_areas.add(process.service_area)
    account_answers = {"date_of_birth": "1970-01-01", "postcode": "AB1 2CD"}

    def make(times):
        citizen = CitizenFactory(first_name="Margaret", last_name=f"Thompson{times}")
        AddressFactory(citizen=citizen, is_current=True)
        account = ServiceAccountFactory(citizen=citizen, answers=account_answers)
        for i in range(times):
            note_add(actor=agent, citizen=citizen, text=f"Called about the bins ({i})")
            ContactFactory(citizen=citizen, agent=agent, ended=True)
            request_create(
                actor=agent, process=process, citizen=citizen, description=f"Missed bin {i}"
            )
            EntryFactory(citizen=citizen)
        return citizen, account

    return {"make": make, "process": process}


def _count(client, method, url, data=None, *, htmx=None, expect=200):
    headers = {"HX-Request": "true", "HX-Target": htmx} if htmx else {}
    call = client.post if method == "POST" else client.get
    with CaptureQueriesContext(connection) as queries:
        response = call(url, data or {}, headers=headers)
    assert response.status_code == expect, (url, response.status_code)
    return len(queries.captured_queries), [q["sql"][:160] for q in queries.captured_queries]


def _walk(client, *, user, citizen, account, process, staff):
    """Every page of the three journeys for one citizen: {page: (queries, sql)}."""
    counts = {}
    record = f"/citizens/{citizen.pk}/"

    signed_in = []

    def page(name, method, url, data=None, *, htmx=None, expect=200, warm=True, who="agent"):
        # Signing in saves the staff row, which makes every process read staff rows,
        # permissions and reference lists again (core.refcache): sign in only to change who.
        if signed_in[-1:] != [who]:
            client.force_login(staff[who])
            signed_in.append(who)
        if warm:  # per-process caches and the session settle first, as on a working day
            _count(client, method, url, data, htmx=htmx, expect=expect)
        counts[name] = _count(client, method, url, data, htmx=htmx, expect=expect)

    page("search page", "GET", f"/citizens/?q=Margaret+{citizen.last_name}")
    page("search results (htmx)", "GET", f"/citizens/?q={citizen.last_name}", htmx="results")
    # What agents type: a first and a last name (the walk's last names end in a number, which
    # quick search reads as a reference).
    page("search results name (htmx)", "GET", "/citizens/?q=Margaret+Thompson", htmx="results")
    page("record", "GET", record)
    for tab in ("timeline", "notes"):
        page(f"record tab {tab} (htmx)", "GET", f"{record}?tab={tab}", htmx="record-tabs")
    page("add note (POST)", "POST", f"{record}notes/new/", {"text": "Rang back"}, expect=302)
    page("timeline", "GET", f"/timeline/citizens/{citizen.pk}/")

    start = {
        "citizen": citizen.pk,
        "channel": Channel.objects.get(code="phone").pk,
        "location": Location.objects.active().first().pk,
    }
    page("start contact (POST)", "POST", "/contacts/start/", start, expect=302, warm=False)
    # The fragments every page with an open contact loads (#19: their fixed cost).
    page(
        "faq contact panel (htmx)",
        "GET",
        f"/faq/contact/?citizen={citizen.pk}",
        htmx="contact-knowledge-slot",
    )
    area = ContactType.objects.filter(active=True).first().service_area_id
    page(
        "contact types (htmx)",
        "GET",
        f"/contacts/contact-types/?service_area={area}",
        htmx="contact-type-slot",
    )
    page("verify", "GET", f"/citizens/{citizen.pk}/accounts/{account.pk}/verify/")
    page("raise request form", "GET", f"/requests/new/?citizen={citizen.pk}")
    raise_data = {
        "process": process.pk,
        "description": "Fridge to collect",
        "address_line_1": f"{citizen.pk} High Street",  # not a duplicate of another walk's
        "new_reason": "Not the same",
    }
    page(
        "raise request (POST)",
        "POST",
        f"/requests/new/?citizen={citizen.pk}",
        raise_data,
        expect=302,
        warm=False,
    )
    contact = Contact.objects.get(agent=staff["agent"], status=Contact.Status.OPEN)
    contact_type = ContactType.objects.filter(active=True).first()
    end = {
        "service_area": contact_type.service_area_id,
        "contact_type": contact_type.pk,
        "outcome": agent_outcomes().first().pk,
        "avoidable": "no",
        "resolved_at_first_contact": "yes",
    }
    page("end contact (POST)", "POST", f"/contacts/{contact.pk}/end/", end, expect=302, warm=False)

    raised = Request.objects.filter(citizen=citizen).latest("pk")
    url = f"/requests/{raised.pk}/"
    page("request list filtered", "GET", "/requests/?status=open&q=Fridge", who="officer")
    page("request page", "GET", url, who="officer")
    page(
        "request add note (POST)",
        "POST",
        f"{url}notes/",
        {"text": "On site"},
        expect=302,
        who="officer",
    )
    raised.refresh_from_db()
    expected = {
        "expected_stage": raised.current_stage_id,
        "expected_status": raised.status,
        "expected_version": raised.version,
    }
    page(
        "request advance (POST)",
        "POST",
        f"{url}advance/",
        expected,
        expect=302,
        warm=False,
        who="officer",
    )

    page("report contacts", "GET", "/reports/contacts/?preset=last_28", who="teamleader")
    page("report requests", "GET", "/reports/requests/?preset=last_28", who="teamleader")
    page("report staff", "GET", "/reports/staff/?preset=last_28", who="teamleader")
    return counts


def test_agent_pages_keep_their_query_budgets_whatever_the_record_holds(
    client, world, agent, officer, team_leader
):
    staff = {"agent": agent, "officer": officer, "teamleader": team_leader}
    walks = {}
    for times in SIZES:
        citizen, account = world["make"](times)
        walks[times] = _walk(
            client,
            user=agent,
            citizen=citizen,
            account=account,
            process=world["process"],
            staff=staff,
        )
    for name in walks[SIZES[0]]:  # shown when the test fails
        print(f"{name:<30}", *(walks[times][name][0] for times in SIZES), flush=True)
    assert set(walks[SIZES[0]]) == set(BUDGETS)
    budgets = BUDGETS.copy()
    if connection.vendor == "postgresql":
        budgets |= POSTGRESQL_BUDGETS
    for name, budget in budgets.items():
        for times in SIZES:
            count, sql = walks[times][name]
            assert count <= budget, (
                f"{name} with {times} of each: {count} > {budget}\n" + "\n".join(sql)
            )
        small, large = walks[SIZES[0]][name][0], walks[SIZES[-1]][name][0]
        assert small == large, f"{name}: {small} queries with 1 of each, {large} with 20"
