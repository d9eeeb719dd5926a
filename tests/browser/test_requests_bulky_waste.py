import pytest

from accounts.models import Role
from requests_tracking.models import Request
from requests_tracking.public_links import tracking_url
from tests.browser.accessibility import assert_accessible
from tests.factories import (
    AddressFactory,
    ContactFactory,
    ProcessFactory,
    ServiceAreaFactory,
    StaffFactory,
)
from tests.factories.citizens import CitizenFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_raises_bulky_waste_request_and_officer_works_it_to_resolution(page, signed_in_page):
    waste = ServiceAreaFactory(name="Waste Management")
    ProcessFactory(
        name="Bulky waste collection",
        code="bulky-waste",
        service_area=waste,
        stages=[("Booking checked", 2, "days"), ("Collection booked", 5, "days")],
    )
    agent = StaffFactory(username="browser-agent", first_name="Alex", role=Role.AGENT)
    officer = StaffFactory(
        username="browser-officer", first_name="Omar", role=Role.SERVICE_OFFICER
    )
    officer.service_areas.add(waste)  # officers work their own areas' requests
    person = CitizenFactory(first_name="Pat", middle_names="", last_name="Bulky")
    AddressFactory(citizen=person, line_1="7 Mill Lane", postcode="SW1A 2AA")
    contact = ContactFactory(agent=agent, citizen=person)  # the agent is on the phone with Pat

    signed_in_page(agent)
    page.goto(person.get_absolute_url())
    page.get_by_test_id("action-raise-request").click()  # the call actions at the top
    page.get_by_label("What is the request about?").select_option(
        label="Waste Management: Bulky waste collection"
    )
    page.get_by_label("Describe the request").fill("Old sofa and a fridge freezer")
    assert page.get_by_label("Address or location").input_value() == "7 Mill Lane"
    assert_accessible(page)
    page.get_by_role("button", name="Raise request").click()
    banner = page.locator(".govuk-notification-banner").inner_text()
    assert "raised" in banner
    request = Request.objects.get()
    assert tracking_url(request) in banner  # back on Pat's record, with the link to give
    assert page.get_by_test_id("citizen-name").inner_text().startswith("Pat Bulky")
    assert request.originating_contact_id == contact.pk
    page.goto(request.get_absolute_url())
    assert page.get_by_test_id("current-stage").inner_text() == "Booking checked"
    page.get_by_role("button", name="Sign out").click()

    signed_in_page(officer)
    page.goto(f"/requests/?q={request.reference}")
    page.get_by_role("link", name=request.reference).click()
    page.get_by_role("button", name="Move to next stage").click()
    assert page.get_by_test_id("current-stage").inner_text() == "Collection booked"
    page.get_by_test_id("action-resolve").locator("summary").click()
    page.get_by_label("What was done").fill("Collected on Tuesday")
    page.get_by_test_id("action-resolve").get_by_role("button", name="Resolve").click()
    assert "The request is resolved." in page.locator(".govuk-notification-banner").inner_text()
    history = page.get_by_test_id("history").inner_text()
    assert "Booking checked" in history
    assert "Collection booked" in history
    assert_accessible(page)

    page.goto(person.get_absolute_url() + "?tab=timeline")
    timeline = page.get_by_test_id("timeline-panel").inner_text()
    assert f"{request.reference} Bulky waste collection: raised" in timeline
    assert "moved to stage 2, Collection booked" in timeline
    assert "resolved: Collected on Tuesday" in timeline
