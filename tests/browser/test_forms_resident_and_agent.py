"""A resident starts the fly-tipping form on a phone, saves half-way and stops; an agent finds
the draft on the citizen's record, opens it at the same page, completes it with them, and the
request with its tracking link shows on the timeline."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from forms_engine.models import Submission
from notifications.models import Message
from tests.browser.accessibility import assert_accessible
from tests.factories import ContactFactory, EmailAddressFactory, StaffFactory
from tests.factories.citizens import CitizenFactory
from tests.forms_engine.helpers import fly_tipping_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SLUG = "report-fly-tipping"


def test_resident_saves_half_way_on_a_phone_and_an_agent_completes_it_from_the_record(
    browser, live_server, signed_in_page, page, reference_data
):
    fly_tipping_form()
    pat = CitizenFactory(first_name="Pat", middle_names="", last_name="Resident")
    EmailAddressFactory(citizen=pat, email="pat@example.com")
    agent = StaffFactory(username="forms-agent", first_name="Alex", role=Role.AGENT)

    phone = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 375, "height": 667},
        is_mobile=True,
        has_touch=True,
    )
    resident = phone.new_page()
    resident.set_default_timeout(10_000)
    resident.goto(f"/forms/{SLUG}/")
    resident.get_by_role("button", name="Start now").click()
    expect(resident.get_by_test_id("page-title")).to_have_text("Where is it?")
    resident.get_by_role("button", name="Continue").click()  # nothing entered
    expect(resident.locator(".govuk-error-summary")).to_contain_text("Enter nearest address")
    assert_accessible(resident)  # a form page with its errors, on a phone
    resident.get_by_label("Address line 1").fill("12 Mill Lane")
    resident.get_by_label("Postcode", exact=True).fill("SW1A 1AA")
    resident.get_by_role("button", name="Continue").click()
    expect(resident.get_by_test_id("page-title")).to_have_text("What has been dumped?")
    # With JavaScript the "only if" question stays hidden until it applies.
    expect(resident.get_by_label("What is hazardous about it?")).to_be_hidden()
    resident.get_by_label("A van load").check()
    resident.get_by_label("Yes").check()
    expect(resident.get_by_label("What is hazardous about it?")).to_be_visible()
    resident.get_by_label("No").check()
    resident.get_by_role("button", name="Save and come back later").click()
    resident.get_by_label("Your full name").fill("Pat Resident")
    resident.get_by_label("Email me a link").check()
    resident.get_by_label("Email address").fill("pat@example.com")
    resident.get_by_role("button", name="Send").click()
    expect(resident.locator(".govuk-panel__title")).to_have_text("Your answers are saved")
    assert resident.get_by_test_id("keep-until").inner_text()
    phone.close()
    assert Message.objects.filter(event="form_resume_link", recipient="pat@example.com").exists()
    draft = Submission.objects.get()
    assert draft.citizen == pat  # the name and email given match exactly one citizen

    # Pat phones the council; the agent finds the draft on the record.
    ContactFactory(agent=agent, citizen=pat)
    signed_in_page(agent)
    page.goto(pat.get_absolute_url())
    in_progress = page.get_by_test_id("forms-in-progress")
    expect(in_progress).to_contain_text("Report fly-tipping")
    expect(in_progress).to_contain_text("What has been dumped?")
    expect(in_progress).to_contain_text("by the citizen online")
    in_progress.get_by_role("link", name=re.compile("Continue")).click()
    expect(page.get_by_test_id("page-title")).to_have_text("What has been dumped?")
    expect(page.get_by_label("A van load")).to_be_checked()
    expect(page.get_by_label("No")).to_be_checked()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Photos")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Your details")
    page.get_by_label("First name").fill("Pat")
    page.get_by_label("Last name").fill("Resident")
    page.get_by_label("Email address").fill("pat@example.com")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Check your answers before sending")
    expect(page.get_by_test_id("answers").first).to_contain_text("12 Mill Lane, SW1A 1AA")
    assert_accessible(page)  # check your answers
    page.get_by_role("button", name="Accept and send").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Form sent")
    assert_accessible(page)  # confirmation
    draft.refresh_from_db()
    request = draft.request
    assert page.get_by_test_id("request-reference").inner_text() == request.reference
    tracking = page.get_by_test_id("tracking-link").get_attribute("href")
    assert "/track/" in tracking

    page.goto(pat.get_absolute_url())
    expect(page.get_by_test_id("forms-submitted")).to_contain_text(draft.reference)
    page.goto(pat.get_absolute_url() + "?tab=timeline")
    timeline = page.get_by_test_id("timeline-panel")
    expect(timeline).to_contain_text(
        f"Report fly-tipping sent – {draft.reference} – started request {request.reference}"
    )
    expect(timeline).to_contain_text(f"{request.reference} Fly-tipping: raised")


def test_resident_completes_a_form_on_a_phone_with_check_answers_and_confirmation(
    browser, live_server, reference_data
):
    fly_tipping_form()
    phone = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 667})
    resident = phone.new_page()
    resident.set_default_timeout(10_000)
    resident.goto(f"/forms/{SLUG}/location/")
    resident.get_by_label("Address line 1").fill("12 Mill Lane")
    resident.get_by_label("Postcode", exact=True).fill("SW1A 1AA")
    resident.get_by_role("button", name="Continue").click()
    resident.get_by_label("A bag").check()
    resident.get_by_label("No").check()
    resident.get_by_role("button", name="Continue").click()
    resident.get_by_role("button", name="Continue").click()
    resident.get_by_label("First name").fill("Sam")
    resident.get_by_label("Last name").fill("Walker")
    resident.get_by_label("Email address").fill("sam@example.com")
    resident.get_by_role("button", name="Continue").click()
    expect(resident.locator("h1")).to_have_text("Check your answers before sending")
    assert_accessible(resident)
    resident.get_by_role("link", name=re.compile("Change.*how much is there")).click()
    resident.get_by_label("A van load").check()
    resident.get_by_role("button", name="Save and go back to your answers").click()
    expect(resident.locator("h1")).to_have_text("Check your answers before sending")
    expect(resident.get_by_test_id("answers").nth(1)).to_contain_text("A van load")
    resident.get_by_role("button", name="Accept and send").click()
    expect(resident.locator(".govuk-panel__title")).to_have_text("Form sent")
    assert_accessible(resident)
    expect(resident.get_by_test_id("tracking-link")).to_be_visible()
    phone.close()
