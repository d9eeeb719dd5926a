"""Query budgets of the busiest paths, on a citizen with some of everything and with ten times
as much (docs/performance.md, "Query budgets"). The count must not grow with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from citizens.services import note_add
from requests_tracking.services import request_advance, request_create
from tests.factories import (
    ContactFactory,
    EntryFactory,
    ProcessFactory,
    ServiceAccountFactory,
)
from tests.factories.citizens import (
    AddressFactory,
    CitizenFactory,
    EmailAddressFactory,
    PhoneNumberFactory,
)

pytestmark = pytest.mark.django_db

RECORD_PAGE = 20
REQUEST_CREATE = 18
REQUEST_ADVANCE = 13


def _fill(citizen, *, times, agent, process):
    for _ in range(times):
        AddressFactory(citizen=citizen, is_current=False)
        EmailAddressFactory(citizen=citizen, is_primary=False)
        PhoneNumberFactory(citizen=citizen, is_primary=False)
        ServiceAccountFactory(citizen=citizen)
        note_add(actor=agent, citizen=citizen, text="Called about the bins")
        ContactFactory(citizen=citizen, agent=agent, ended=True)
        request_create(actor=agent, process=process, citizen=citizen, description="Missed bin")
        EntryFactory(citizen=citizen)


@pytest.fixture
def busy(officer):
    """busy(times) -> (citizen, process): a citizen with `times` of each kind of row."""
    process = ProcessFactory()

    def make(times):
        citizen = CitizenFactory()
        AddressFactory(citizen=citizen, is_current=True)
        _fill(citizen, times=times, agent=officer, process=process)
        return citizen, process

    return make


def _count(func):
    """Round trips of `func`, leaving out the SAVEPOINT/RELEASE pair of a service's outermost
    `atomic`: the test's own transaction makes it a savepoint, while in a view (no
    ATOMIC_REQUESTS) it is the transaction itself, which Django opens and commits on the
    connection without a query."""
    with CaptureQueriesContext(connection) as queries:
        func()
    sql = [q["sql"] for q in queries.captured_queries]
    if sql and sql[0].startswith("SAVEPOINT") and sql[-1].startswith("RELEASE SAVEPOINT"):
        sql = sql[1:-1]
    return len(sql)


@pytest.mark.parametrize("times", [3, 30])
def test_citizen_record_page_query_budget(officer_client, busy, times):
    citizen, _ = busy(times)
    url = f"/citizens/{citizen.pk}/"
    officer_client.get(url)  # the session and per-process caches warm up once
    with CaptureQueriesContext(connection) as queries:
        assert officer_client.get(url).status_code == 200
    assert len(queries.captured_queries) <= RECORD_PAGE, "\n".join(
        q["sql"][:200] for q in queries.captured_queries
    )


@pytest.mark.parametrize("times", [3, 30])
def test_request_create_query_budget(officer, busy, times):
    citizen, process = busy(times)
    count = _count(
        lambda: request_create(
            actor=officer, process=process, citizen=citizen, description="Fridge to collect"
        )
    )
    assert count <= REQUEST_CREATE


@pytest.mark.parametrize("times", [3, 30])
def test_request_advance_query_budget(officer, busy, times):
    citizen, process = busy(times)
    raised = request_create(
        actor=officer, process=process, citizen=citizen, description="Fridge to collect"
    )
    from requests_tracking.models import Request

    fresh = Request.objects.get(pk=raised.pk)
    count = _count(lambda: request_advance(actor=officer, service_request=fresh))
    assert count <= REQUEST_ADVANCE


def test_budgets_do_not_grow_with_data(officer, officer_client, busy):
    small, process = busy(3)
    large, _ = busy(30)
    counts = {}
    for citizen in (small, large):
        officer_client.get(f"/citizens/{citizen.pk}/")
        with CaptureQueriesContext(connection) as queries:
            officer_client.get(f"/citizens/{citizen.pk}/")
        page = len(queries.captured_queries)
        raised = None

        def create(c=citizen):
            nonlocal raised
            raised = request_create(
                actor=officer, process=process, citizen=c, description="Fridge to collect"
            )

        made = _count(create)
        from requests_tracking.models import Request

        fresh = Request.objects.get(pk=raised.pk)
        moved = _count(lambda f=fresh: request_advance(actor=officer, service_request=f))
        counts[citizen.pk] = (page, made, moved)
    assert counts[small.pk] == counts[large.pk]
