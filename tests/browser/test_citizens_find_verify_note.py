import datetime

import pytest

from accounts.models import Role
from tests.browser.accessibility import assert_accessible
from tests.factories import ServiceAccountFactory, StaffFactory
from tests.factories.citizens import AddressFactory, CitizenFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_finds_misspelt_citizen_verifies_for_council_tax_and_adds_note(signed_in_page):
    agent = StaffFactory(username="browser-agent", role=Role.AGENT)
    john = CitizenFactory(
        first_name="John", last_name="Smith", date_of_birth=datetime.date(1980, 5, 17)
    )
    AddressFactory(citizen=john, postcode="SW1A 1AA")
    CitizenFactory(first_name="Peter", last_name="Jones")
    ServiceAccountFactory(
        citizen=john,
        reference="CT00012345",
        answers={
            "account_reference": "CT00012345",
            "property_postcode": "SW1A 1AA",
            "last_payment": "345.00",
        },
    )
    page = signed_in_page(agent)
    page.get_by_label("Find a citizen").fill("Jon Smyth")
    page.get_by_role("button", name="Search").click()
    results = page.get_by_test_id("search-results")
    assert_accessible(page)
    results.get_by_role("link", name="John Smith", exact=True).click()
    assert page.get_by_test_id("citizen-name").inner_text().startswith("John Smith")
    assert_accessible(page)

    page.get_by_role("link", name="Verify for Council tax account").click()
    page.get_by_label("Council tax account reference").fill("ct0001 2345")
    page.get_by_label("Postcode of the property").fill("sw1a1aa")
    page.get_by_label("Amount of the last payment").fill("£345")
    assert_accessible(page)
    page.get_by_role("button", name="Check answers").click()
    assert "Verified for council tax account" in page.content()
    assert page.get_by_test_id("account-council_tax").get_by_text("Verified").is_visible()

    page.get_by_label("Note", exact=True).fill("Called about their council tax bill.")
    page.get_by_role("button", name="Add note").click()
    assert "Called about their council tax bill." in page.get_by_test_id("notes").inner_text()
