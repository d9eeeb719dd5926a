"""The main staff journey and the public pages under the Content-Security-Policy: the browser
reports no violation (no inline script or style blocked), and htmx still swaps results in."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from requests_tracking import services
from requests_tracking.public_links import tracking_path
from tests.factories import ProcessFactory, ServiceAccountFactory, ServiceAreaFactory, StaffFactory
from tests.factories.citizens import AddressFactory, CitizenFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Collects every violation the browser reports (init scripts are not subject to the policy).
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


def _watch(page):
    messages = []
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda m: messages.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return messages


def _violations(page, messages):
    return messages + page.evaluate("window.__cspViolations || []")


def test_staff_journey_reports_no_csp_violation(page, signed_in_page):
    messages = _watch(page)
    waste = ServiceAreaFactory(name="Waste Management")
    process = ProcessFactory(
        name="Bulky waste collection", service_area=waste, stages=[("Booking checked", 2, "days")]
    )
    agent = StaffFactory(username="csp-admin", role=Role.ADMINISTRATOR)
    john = CitizenFactory(
        first_name="John", last_name="Smith", date_of_birth=datetime.date(1980, 5, 17)
    )
    AddressFactory(citizen=john, postcode="SW1A 1AA")
    ServiceAccountFactory(citizen=john, reference="CT00012345")
    request = services.request_create(
        actor=agent, process=process, citizen=john, description="Old sofa", now=timezone.now()
    )
    signed_in_page(agent)
    seen = []

    # Search as you type: htmx swaps the results in (no inline style injected by htmx).
    page.get_by_label("Find a citizen").fill("Jon Smyth")
    page.get_by_test_id("search-results").get_by_role(
        "link", name="John Smith", exact=True
    ).wait_for()
    seen += _violations(page, messages)
    page.get_by_test_id("search-results").get_by_role(
        "link", name="John Smith", exact=True
    ).click()
    assert page.get_by_test_id("citizen-name").inner_text().startswith("John Smith")
    page.wait_for_load_state("networkidle")
    seen += _violations(page, messages)
    page.get_by_label("Note", exact=True).fill("Called about the sofa.")
    page.get_by_role("button", name="Add note").click()
    assert "Called about the sofa." in page.get_by_test_id("notes").inner_text()
    seen += _violations(page, messages)
    page.goto(request.get_absolute_url())
    page.wait_for_load_state("networkidle")
    seen += _violations(page, messages)
    page.goto("/contacts/reports/")
    seen += _violations(page, messages)
    assert seen == []


def test_public_tracking_page_reports_no_csp_violation(page):
    messages = _watch(page)
    officer = StaffFactory(username="csp-officer", role=Role.SERVICE_OFFICER)
    process = ProcessFactory(
        name="Missed bin",
        service_area=ServiceAreaFactory(name="Waste"),
        stages=[("Check", 2, "days")],
    )
    request = services.request_create(
        actor=officer,
        process=process,
        citizen=CitizenFactory(),
        description="Bin missed",
        now=timezone.now(),
    )
    page.goto(tracking_path(request))
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    assert _violations(page, messages) == []
