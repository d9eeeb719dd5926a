"""A small fixed data set whose report figures are worked out by hand in the tests."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from contacts.models import Channel, Outcome
from forms_engine.reference import online_form_channel
from requests_tracking import services
from requests_tracking.models import Request
from tests.contacts.conftest import Ref
from tests.factories.accounts import StaffFactory
from tests.factories.citizens import CitizenFactory, EmailAddressFactory
from tests.factories.contacts import ContactFactory
from tests.factories.organisation import TeamFactory
from tests.factories.requests_tracking import ProcessFactory


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
APRIL = {"date_from": "1/4/2026", "date_to": "30/4/2026"}


def at_april(day, hour, minute=0):
    return timezone.make_aware(datetime(2026, 4, day, hour, minute))


@pytest.fixture
def sla_set(reference_data, officer):
    """Five requests in April 2026 (Easter: Good Friday 3 April, Easter Monday 6 April)."""
    process = ProcessFactory(
        name="Bulky waste", stages=[("Assess", 2, "days"), ("Collect", 3, "days")]
    )
    process.stages.filter(order=1).update(pauses_while_waiting=True)
    phone = Channel.objects.get(code="phone")
    citizen = CitizenFactory()
    EmailAddressFactory(citizen=citizen, email="resident@example.com")
    open311, _ = Channel.objects.get_or_create(code="open311", defaults={"name": "Open311 app"})

    def raise_request(channel=phone, day=2):
        made = services.request_create(
            actor=officer,
            process=process,
            citizen=citizen,
            description="Sofa",
            channel=channel,
            now=at_april(day, 10),
        )
        # As if raised then.
        Request.objects.filter(pk=made.pk).update(created_at=at_april(day, 10))
        return Request.objects.get(pk=made.pk)

    # Due Wednesday 8 April 10:00: two working days from Thursday 10:00 over Easter.
    on_time = raise_request()
    services.request_advance(actor=officer, service_request=on_time, now=at_april(8, 9, 30))
    services.request_resolve(
        actor=officer, service_request=on_time, resolution="Collected", now=at_april(10, 12)
    )
    # Waits for the citizen from Tuesday 9:00 to Thursday 9:00 (16 working hours, not counted).
    paused = raise_request()
    services.request_information_request(
        actor=officer, service_request=paused, question="Which floor?", now=at_april(7, 9)
    )
    services.request_citizen_reply(service_request=paused, text="Ground floor", now=at_april(9, 9))
    services.request_advance(actor=officer, service_request=paused, now=at_april(9, 12))
    # No pause: 26 working hours, past the 16 allowed.
    late = raise_request()
    services.request_advance(actor=officer, service_request=late, now=at_april(9, 12))
    Request.objects.filter(pk=paused.pk).update(sla_state=Request.SlaState.BREACHED)
    online = raise_request(channel=online_form_channel(), day=14)
    app = raise_request(channel=open311, day=15)
    return {"process": process, "requests": [on_time, paused, late, online, app]}


@pytest.fixture(autouse=True)
def _no_cached_freshness():
    """The summaries' freshness is cached (Redis in the PostgreSQL run): start each test clean."""
    from django.core.cache import cache

    from reports.summary import fresh_cache_key

    cache.delete(fresh_cache_key())
    yield
    cache.delete(fresh_cache_key())
