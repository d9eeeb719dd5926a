import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from requests_tracking import services
from requests_tracking.public_links import tracking_path
from tests.browser.accessibility import assert_accessible
from tests.factories import EmailAddressFactory, ProcessFactory, ServiceAreaFactory, StaffFactory
from tests.factories.citizens import CitizenFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_answers_an_information_request_on_the_tracking_page(page, signed_in_page):
    waste = ServiceAreaFactory(name="Waste Management")
    process = ProcessFactory(
        name="Bulky waste collection",
        service_area=waste,
        stages=[("Booking checked", 2, "days"), ("Collection booked", 5, "days")],
    )
    process.stages.filter(order=1).update(
        citizen_description="We check the items and the collection address."
    )
    officer = StaffFactory(username="track-officer", role=Role.SERVICE_OFFICER)
    person = CitizenFactory(first_name="Pat", middle_names="", last_name="Tracker")
    EmailAddressFactory(citizen=person, email="pat@example.com")
    request = services.request_create(
        actor=officer,
        process=process,
        citizen=person,
        description="Old sofa and a fridge freezer",
        now=timezone.now(),
    )
    services.request_note_add(
        actor=officer,
        service_request=request,
        text="Internal: check the access",
        visible_to_citizen=False,
    )
    services.request_information_request(
        actor=officer, service_request=request, question="Is the fridge freezer still plugged in?"
    )
    request.refresh_from_db()

    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(tracking_path(request))
    assert request.reference in page.locator("h1").inner_text()
    current = page.get_by_test_id("current-stage").inner_text()
    assert "Booking checked" in current
    assert "We check the items and the collection address." in current
    assert page.get_by_test_id("estimate").is_visible()
    assert f"{timezone.localtime(request.estimated_completion_at):%-d %B %Y}" in (
        page.get_by_test_id("estimate").inner_text()
    )
    assert "Internal: check the access" not in page.content()
    assert (
        "Is the fridge freezer still plugged in?" in page.get_by_test_id("question").inner_text()
    )
    assert_accessible(page)

    page.get_by_role("button", name="Send your answer").click()  # empty: told what to do
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your answer.")
    assert_accessible(page)
    page.get_by_label("Your answer").fill("Yes, I will unplug it the day before")
    page.get_by_role("button", name="Send your answer").click()
    # The page before the post has a banner and notes too: wait for the new page's content.
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "We have your answer"
    )
    expect(page.get_by_test_id("notes")).to_contain_text("Yes, I will unplug it the day before")
    expect(page.get_by_test_id("status")).to_contain_text("In progress")
    expect(page.get_by_role("button", name="Send your answer")).to_have_count(0)

    page.set_viewport_size({"width": 1400, "height": 900})
    signed_in_page(officer)
    page.goto(request.get_absolute_url())
    notes = page.get_by_test_id("notes").inner_text()
    assert "Yes, I will unplug it the day before" in notes
    assert "by the citizen" in notes
    assert tracking_path(request) in page.locator("#tracking-url").input_value()
