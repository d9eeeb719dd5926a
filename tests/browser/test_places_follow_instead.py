"""An agent logs fly-tipping at a gazetteer address where it was reported 40 m away: the
existing report is offered first, the agent chooses "follow instead", and the caller's
tracking link is on screen."""

import pytest

from accounts.models import Role
from requests_tracking import services
from requests_tracking.models import Request
from requests_tracking.public_links import follower_view_url
from tests.browser.accessibility import assert_accessible
from tests.factories import (
    ContactFactory,
    GazetteerAddressFactory,
    ProcessFactory,
    ServiceAreaFactory,
    StaffFactory,
)
from tests.factories.citizens import CitizenFactory
from tests.requests_tracking.places_helpers import offset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_follows_an_existing_report_instead_of_raising_a_duplicate(page, signed_in_page):
    waste = ServiceAreaFactory(name="Waste Management")
    fly_tipping = ProcessFactory(
        name="Fly-tipping", code="fly-tipping", service_area=waste, place_based=True
    )
    here = offset()
    GazetteerAddressFactory(
        uprn="310000100001",
        usrn="38100001",
        line_1="1 Friar Street",
        postcode="RG1 1AA",
        latitude=here[0],
        longitude=here[1],
    )
    GazetteerAddressFactory(uprn="310000100002", line_1="3 Friar Street", postcode="RG1 1AA")
    officer = StaffFactory(username="browser-officer", role=Role.SERVICE_OFFICER)
    near = offset(north_m=40)
    existing = services.request_create(
        actor=officer,
        process=fly_tipping,
        description="Mattress and black bags dumped by the gate",
        address_line_1="Friar Street, by the gate",
        latitude=near[0],
        longitude=near[1],
    )
    further = offset(north_m=-85)
    services.request_create(
        actor=officer,
        process=fly_tipping,
        description="Tyres in the hedge",
        address_line_1="Friar Street",
        latitude=further[0],
        longitude=further[1],
    )
    agent = StaffFactory(username="browser-agent", first_name="Alex", role=Role.AGENT)
    caller = CitizenFactory(first_name="Carl", middle_names="", last_name="Caller")
    ContactFactory(agent=agent, citizen=caller)  # the agent is on the phone with Carl

    signed_in_page(agent)
    page.goto(f"/requests/new/?citizen={caller.pk}")
    page.get_by_label("What is the request about?").select_option(
        label="Waste Management: Fly-tipping"
    )
    page.get_by_label("Describe the request").fill("Someone has left a mattress at the gates")
    page.get_by_label("Find the address").fill("1 friar")
    page.get_by_role("button", name="1 Friar Street, Reading, RG1 1AA").click()
    assert page.get_by_label("UPRN").input_value() == "310000100001"
    assert page.get_by_label("Address or location").input_value() == "1 Friar Street"

    candidates = page.get_by_test_id("candidate")
    candidates.first.wait_for()
    assert candidates.count() == 2
    first = candidates.first.inner_text()
    assert existing.reference in first
    assert "40 m away" in first
    assert "Probably the same" in first
    assert_accessible(page)

    candidates.first.get_by_role("button", name="Follow instead").click()
    panel = page.get_by_test_id("followed")
    assert f"Carl Caller follows {existing.reference}" in panel.inner_text()
    link = page.get_by_label("Link to give the caller", exact=False)
    assert link.input_value() == follower_view_url(existing)
    assert_accessible(page)
    assert Request.objects.count() == 2  # nothing new raised
    assert list(existing.followers.all()) == [caller]
