"""The reads every agent page makes stay cheap however long an agent's history grows (#19).

The app's statements are prepared on PostgreSQL (psycopg prepares one after 5 uses), and a
prepared statement may run on a generic plan — one made without the values. Looking up an
agent's open contact newest-first made a generic plan that walked the agent's whole history
(80 ms for 129,000 contacts, on every page). These tests force generic plans, as a busy server
ends up with, and count the contact rows the lookups read."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from contacts.models import Contact
from contacts.selectors import contact_bar_for, contact_open_for
from tests.factories.accounts import StaffFactory
from tests.factories.contacts import ContactFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="prepared statements and generic plans"
    ),
]
HISTORY = 3000


def _contact_rows_read() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) "
            "FROM pg_stat_xact_user_tables WHERE relname = %s",
            [Contact._meta.db_table],
        )
        return cursor.fetchone()[0]


@pytest.fixture
def veteran(reference_data):
    """An agent with a long history of ended contacts among 60 colleagues, each in a call and
    with some history of their own; the table analysed, and plans generic, as on a busy
    server."""
    template = ContactFactory(ended=True)
    agent = StaffFactory()
    colleagues = StaffFactory.create_batch(60)
    start = timezone.now() - timedelta(days=400)

    def contact(staff, i, status=Contact.Status.ENDED):
        started = start + timedelta(minutes=7 * i)
        ended = status == Contact.Status.ENDED
        return Contact(
            agent=staff,
            channel_id=template.channel_id,
            location_id=template.location_id,
            status=status,
            started_at=started,
            ended_at=started + timedelta(minutes=6) if ended else None,
            contact_type_id=template.contact_type_id if ended else None,
            service_area_id=template.service_area_id if ended else None,
            outcome_id=template.outcome_id if ended else None,
        )

    rows = [contact(agent, i) for i in range(HISTORY)]
    for n, colleague in enumerate(colleagues):
        rows += [contact(colleague, n * 50 + i) for i in range(40)]
        rows.append(contact(colleague, HISTORY + n, Contact.Status.OPEN))
    Contact.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Contact._meta.db_table}")
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
    return agent


@pytest.mark.parametrize(
    "lookup",
    [
        pytest.param(lambda agent: contact_open_for(staff=agent), id="open contact"),
        pytest.param(lambda agent: contact_bar_for(staff=agent), id="contact bar"),
    ],
)
def test_the_agent_lookups_do_not_read_the_agents_history(veteran, lookup):
    for _ in range(6):  # prepared from the 5th use on
        lookup(veteran)
    before = _contact_rows_read()
    lookup(veteran)
    assert _contact_rows_read() - before < 10


def test_the_open_contact_is_still_found(veteran):
    for _ in range(6):
        assert contact_open_for(staff=veteran) is None
    contact = ContactFactory(agent=veteran)
    assert contact_open_for(staff=veteran) == contact
