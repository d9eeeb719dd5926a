"""Journeys of issue 12: an agent's call (verification kept into the contact, the record page
with its tabs, raising a request and ending the contact in two choices) and a reception visit
(face to face by default, a report about a place from an anonymous visitor, signposting needs a
partner). Set SCREENSHOTS=1 to write the README's record-page screenshot."""

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import Role
from contacts.models import Contact, ContactType
from organisation.models import Location, ServiceArea
from requests_tracking.models import Request
from tests.browser.accessibility import assert_accessible
from tests.factories import ProcessFactory, ServiceAccountFactory, StaffFactory
from tests.factories.citizens import AddressFactory, CitizenFactory, NoteFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
RIGHT = {
    "account_reference": "CT00012345",
    "property_postcode": "HD1 2AB",
    "last_payment": "345.00",
}


def _bulky_waste():
    waste = ServiceArea.objects.get(name="Waste Management")
    kind, _ = ContactType.objects.get_or_create(service_area=waste, name="Bulky waste collection")
    process = ProcessFactory(
        name="Bulky waste collection",
        service_area=waste,
        stages=[("Booking checked", 2, "days"), ("Collected", 5, "days")],
    )
    process.contact_types.set([kind])
    return process


def test_agent_verifies_then_starts_the_call_raises_a_request_and_ends_in_two_choices(
    page, signed_in_page, live_server
):
    call_command("seed_reference", verbosity=0)
    _bulky_waste()
    agent = StaffFactory(username="browser-agent", first_name="Alex", role=Role.AGENT)
    agent.usual_location = Location.objects.get(name="Contact centre")
    agent.save()
    pat = CitizenFactory(first_name="Pat", middle_names="", last_name="Haworth")
    AddressFactory(citizen=pat, line_1="4 Mill Lane", town="Huddersfield", postcode="HD1 2AB")
    ServiceAccountFactory(citizen=pat, reference="CT00012345", answers=RIGHT)
    for n in range(8):
        NoteFactory(citizen=pat, text=f"Earlier call {n}: asked about collection days.")

    signed_in_page(agent)
    page.keyboard.type("haworth")
    page.get_by_test_id("home-results").get_by_role("link", name="Pat Haworth", exact=True).click()

    # Verify before starting the contact: one wrong answer first.
    page.get_by_role("link", name="Verify for Council tax account").click()
    page.get_by_label("Council tax account reference").fill("CT00012345")
    page.get_by_label("Postcode of the property").fill("HD1 2AB")
    page.get_by_label("Amount of the last payment").fill("354.00")
    page.get_by_role("button", name="Check answers").click()
    assert "2 tries left" in page.get_by_test_id("tries-left").inner_text()
    assert page.get_by_label("Council tax account reference").input_value() == "CT00012345"
    assert "Amount of the last payment" not in page.get_by_test_id("verify-fail").inner_text()
    page.get_by_label("Amount of the last payment").fill("345.00")
    page.get_by_role("button", name="Check answers").click()

    # Start the contact: the pass carries into it.
    page.get_by_role("button", name="Start a contact").click()
    bar = page.get_by_test_id("active-contact-bar")
    expect_verified = re.compile("Council Tax")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=active-contact-bar]')"
        ".innerText.includes('Council Tax')"
    )
    assert expect_verified.search(bar.inner_text())

    # The record page: summary, note form and tabs first; the timeline behind its tab.
    assert page.get_by_test_id("add-note").is_visible()
    assert "{#" not in page.content()
    assert page.get_by_test_id("timeline-panel").count() == 0
    tabs = page.get_by_test_id("record-tabs")
    tabs.get_by_role("link", name="Notes").click()
    page.wait_for_url(re.compile(r"\?tab=notes$"))
    assert "Earlier call 3" in page.get_by_test_id("notes").inner_text()
    tabs = page.get_by_test_id("record-tabs")
    tabs.get_by_role("link", name="Timeline").click()
    page.wait_for_url(re.compile(r"\?tab=timeline$"))
    page.get_by_test_id("timeline-panel").wait_for()
    page.get_by_test_id("record-tabs").get_by_role("link", name="Overview").click()
    page.wait_for_url(re.compile(r"\?tab=overview$"))
    assert_accessible(page)
    if os.environ.get("SCREENSHOTS"):
        page.set_viewport_size({"width": 1366, "height": 900})
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(SCREENSHOTS / "citizen-record.png"))

    # Raise a request: back on the caller's record with the tracking link.
    page.get_by_role("link", name="Raise a request").first.click()
    page.get_by_label("What is the request about?").select_option(
        label="Waste Management: Bulky waste collection"
    )
    page.get_by_label("Describe the request").fill("Sofa and a fridge freezer")
    page.get_by_role("button", name="Raise request").click()
    banner = page.locator(".govuk-notification-banner").inner_text()
    raised = Request.objects.get()
    assert raised.reference in banner
    assert "/track/" in banner
    assert page.get_by_test_id("citizen-name").inner_text().startswith("Pat Haworth")

    # End the contact: what is known is filled in; two choices left.
    page.get_by_test_id("end-contact-link").click()
    assert page.get_by_label("Service area").locator("option:checked").inner_text() == (
        "Waste Management"
    )
    assert page.get_by_label("Request raised").is_checked()
    page.get_by_role("group", name="Was the contact avoidable?").get_by_label("No").check()
    page.get_by_role("group", name="Was it resolved during this contact?").get_by_label(
        "Yes"
    ).check()
    page.get_by_role("button", name="End contact").click()
    contact = Contact.objects.get()
    assert contact.status == Contact.Status.ENDED
    assert contact.outcome.code == "request_raised"
    assert contact.contact_type.name == "Bulky waste collection"


def test_reception_takes_a_report_from_an_anonymous_visitor_and_signposts(signed_in_page):
    call_command("seed_reference", verbosity=0)
    _bulky_waste()
    desk = Location.objects.get(name="Main reception, Civic Centre")
    receptionist = StaffFactory(username="browser-reception", role=Role.RECEPTION)
    receptionist.usual_location = desk
    receptionist.save()
    grace = CitizenFactory(first_name="Grace", last_name="Adeyemi", middle_names="")
    page = signed_in_page(receptionist)

    page.get_by_role("link", name="Start an anonymous contact").click()
    assert page.get_by_label("Channel").locator("option:checked").inner_text() == "Face to face"
    page.get_by_role("button", name="Start contact").click()

    # A report about a place from someone who has not said who they are.
    page.get_by_test_id("contact-actions").get_by_role("link", name="Raise a request").click()
    page.get_by_label("What is the request about?").select_option(
        label="Waste Management: Bulky waste collection"
    )
    page.get_by_label("Describe the request").fill("Mattress dumped by the bus stop")
    page.get_by_label("Address or location").fill("Bus stop, Westgate")
    page.get_by_role("button", name="Raise request").click()
    assert "/track/" in page.locator(".govuk-notification-banner").inner_text()
    report = Request.objects.get()
    assert report.citizen is None

    # They give their name: the report follows them.
    page.get_by_label("Find the citizen").fill("Grace Adeyemi")
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_test_id("caller-candidates").get_by_role(
        "button", name="This is the caller"
    ).click()
    report.refresh_from_db()
    assert report.citizen == grace

    # Signposted needs a partner.
    page.get_by_test_id("end-contact-link").click()
    page.get_by_label("Signposted").check()
    page.get_by_role("group", name="Was the contact avoidable?").get_by_label("No").check()
    page.get_by_role("group", name="Was it resolved during this contact?").get_by_label(
        "Yes"
    ).check()
    page.get_by_role("button", name="End contact").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Select the partner organisations the caller was signposted to." in summary
    assert_accessible(page)
    page.get_by_label("Citizens Advice").check()
    page.get_by_role("button", name="End contact").click()
    contact = Contact.objects.get()
    assert contact.status == Contact.Status.ENDED
    assert contact.channel.code == "face_to_face"
