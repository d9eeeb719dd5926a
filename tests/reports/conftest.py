"""A small fixed data set whose report figures are worked out by hand in the tests."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from contacts.models import Outcome
from tests.contacts.conftest import Ref
from tests.factories.accounts import StaffFactory
from tests.factories.citizens import CitizenFactory
from tests.factories.contacts import ContactFactory
from tests.factories.organisation import TeamFactory


def at(month, day, hour, minute=0):
    return timezone.make_aware(datetime(2026, month, day, hour, minute))


@pytest.fixture
def ref(reference_data):
    return Ref()


@pytest.fixture
def teams(ref):
    return TeamFactory(name="Contact centre A", service_area=ref.waste), TeamFactory(
        name="Reception B", service_area=ref.council_tax
    )


@pytest.fixture
def contacts_set(ref, teams):
    """Five contacts from Monday 2 to Monday 9 March 2026 and one the week before."""
    team_a, team_b = teams
    agent_a = StaffFactory(username="agent-a", first_name="Ann", last_name="Able")
    agent_a.teams.add(team_a)
    agent_b = StaffFactory(username="agent-b", first_name="Bob", last_name="Baker")
    agent_b.teams.add(team_b)
    x, y, z = CitizenFactory(), CitizenFactory(), CitizenFactory()
    information = Outcome.objects.get(code="information_sent")

    def contact(start, minutes, **kw):
        return ContactFactory(
            ended=True,
            started_at=start,
            ended_at=start + timedelta(minutes=minutes),
            outcome=kw.pop("outcome", ref.resolved),
            service_area=kw["contact_type"].service_area,
            **kw,
        )

    waste = {"contact_type": ref.missed_bin, "location": ref.contact_centre}
    tax = {"contact_type": ref.balance}
    made = [
        contact(
            at(3, 2, 9, 15),
            4,
            channel=ref.phone,
            citizen=x,
            agent=agent_a,
            avoidable=True,
            avoidable_reason=ref.chasing,
            resolved_at_first_contact=True,
            **waste,
        ),
        contact(
            at(3, 2, 9, 40),
            6,
            channel=ref.phone,
            citizen=x,
            agent=agent_a,
            avoidable=False,
            resolved_at_first_contact=False,
            **waste,
        ),
        contact(
            at(3, 3, 14, 5),
            10,
            channel=ref.face_to_face,
            citizen=y,
            agent=agent_b,
            avoidable=False,
            resolved_at_first_contact=True,
            outcome=information,
            location=ref.reception,
            **tax,
        ),
        contact(
            at(3, 3, 14, 30),
            2,
            channel=ref.phone,
            citizen=None,
            agent=agent_b,
            avoidable=None,
            resolved_at_first_contact=None,
            outcome=ref.signposted,
            location=ref.contact_centre,
            **tax,
        ),
        # 7 days and 20 minutes after x's last waste contact: not a repeat.
        contact(
            at(3, 9, 10, 0),
            5,
            channel=ref.phone,
            citizen=x,
            agent=agent_a,
            avoidable=True,
            avoidable_reason=ref.chasing,
            resolved_at_first_contact=True,
            **waste,
        ),
        # The previous period (22 February to 1 March).
        contact(
            at(2, 27, 11, 0),
            3,
            channel=ref.phone,
            citizen=z,
            agent=agent_a,
            avoidable=False,
            resolved_at_first_contact=True,
            **waste,
        ),
    ]
    made[3].partners.add(ref.citizens_advice)
    return made


RANGE = {"date_from": "2/3/2026", "date_to": "9/3/2026"}


@pytest.fixture(autouse=True)
def _no_cached_freshness():
    """The summaries' freshness is cached (Redis in the PostgreSQL run): start each test clean."""
    from django.core.cache import cache

    from reports.summary import fresh_cache_key

    cache.delete(fresh_cache_key())
    yield
    cache.delete(fresh_cache_key())
