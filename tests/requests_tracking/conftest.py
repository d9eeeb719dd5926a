from datetime import datetime

import pytest
from django.utils import timezone

from tests.factories import CitizenFactory, EmailAddressFactory, ProcessFactory


def at(y, m, d, hh=0, mm=0):
    return timezone.make_aware(datetime(y, m, d, hh, mm))


@pytest.fixture
def process(db):
    return ProcessFactory()


@pytest.fixture
def citizen(db):
    person = CitizenFactory(first_name="Jane", middle_names="", last_name="Resident")
    EmailAddressFactory(citizen=person, email="jane@example.com")
    return person


@pytest.fixture
def raise_request(process, officer, citizen):
    """raise_request(**kwargs) raises a request on Monday 2 March 2026 09:00 by default."""
    from requests_tracking.services import request_create

    # Officers work their own service areas' requests only (none without an area).
    officer.service_areas.add(process.service_area)

    def make(**kwargs):
        kwargs.setdefault("actor", officer)
        kwargs.setdefault("process", process)
        kwargs.setdefault("citizen", citizen)
        kwargs.setdefault("description", "Sofa and fridge to collect")
        kwargs.setdefault("now", at(2026, 3, 2, 9))
        return request_create(**kwargs)

    return make


@pytest.fixture
def follow_by_email():
    """follow_by_email(request, email) signs an address up and confirms it, as its owner would."""
    from requests_tracking.services import follower_email_add, follower_email_confirm

    def follow(service_request, email, **kwargs):
        signup = follower_email_add(service_request=service_request, email=email, **kwargs)
        return follower_email_confirm(follower_id=signup.follower.pk, now=kwargs.get("now"))

    return follow


@pytest.fixture
def fly_tipping_pair(officer):
    """Two open fly-tipping reports 40 m apart, in the officer's service area."""
    from requests_tracking.services import request_create
    from tests.factories import ProcessFactory
    from tests.requests_tracking.places_helpers import offset

    process = ProcessFactory(code="fly-tipping", name="Fly-tipping", place_based=True)
    officer.service_areas.add(process.service_area)
    made = []
    for metres in (0, 40):
        lat, lon = offset(north_m=metres)
        made.append(
            request_create(
                actor=officer,
                process=process,
                description="Mattress dumped by the gate",
                address_line_1="Friar Street",
                latitude=lat,
                longitude=lon,
            )
        )
    return made
