"""A resident's address question uses the council's gazetteer: type a postcode, pick the
address, and its lines, postcode and UPRN are filled in; too many searches say so in place of
the results instead of failing silently."""

import pytest
from playwright.sync_api import expect

from forms_engine.models import Submission
from tests.factories.places import GazetteerAddressFactory
from tests.forms_engine.helpers import fly_tipping_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SLUG = "report-fly-tipping"


def _start(page):
    page.goto(f"/forms/{SLUG}/")
    page.get_by_role("button", name="Start now").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Where is it?")


def test_resident_picks_a_gazetteer_address_and_its_uprn_comes_with_it(page):
    fly_tipping_form()
    GazetteerAddressFactory(
        uprn="310000100001",
        line_1="1 Friar Street",
        line_2="Flat 2",
        town="Reading",
        postcode="RG1 1AA",
    )
    GazetteerAddressFactory(uprn="310000100003", line_1="3 Friar Street", postcode="RG1 1AA")
    _start(page)

    page.get_by_label("Find the address").fill("RG1 1AA")
    pick = page.get_by_role("button", name="1 Friar Street", exact=False).first
    expect(pick).to_be_visible()
    pick.click()

    expect(page.get_by_label("Address line 1")).to_have_value("1 Friar Street")
    expect(page.get_by_label("Address line 2 (optional)")).to_have_value("Flat 2")
    expect(page.get_by_label("Town or city (optional)")).to_have_value("Reading")
    expect(page.get_by_label("Postcode", exact=True)).to_have_value("RG1 1AA")
    expect(page.get_by_label("UPRN (optional)")).to_have_value("310000100001")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_test_id("page-title")).to_have_text("What has been dumped?")
    answers = Submission.objects.get().answers
    address = next(v for v in answers.values() if isinstance(v, dict) and "uprn" in v)
    assert address["uprn"] == "310000100001"
    assert address["line_1"] == "1 Friar Street"


def test_too_many_address_searches_are_explained_where_the_results_would_be(page, settings):
    settings.ADDRESS_SEARCH_RATE_LIMIT_PER_MINUTE = 1
    fly_tipping_form()
    GazetteerAddressFactory(uprn="310000100001", line_1="1 Friar Street", postcode="RG1 1AA")
    _start(page)
    find = page.get_by_label("Find the address")
    find.fill("RG1 1AA")
    expect(page.get_by_role("button", name="1 Friar Street", exact=False)).to_be_visible()

    find.fill("Friar Street")  # the second search in the minute is refused (429)
    results = page.locator(".app-address-results")
    expect(results).to_contain_text("too many address searches")
    # The fields can still be typed by hand.
    page.get_by_label("Address line 1").fill("1 Friar Street")
    page.get_by_label("Postcode", exact=True).fill("RG1 1AA")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_test_id("page-title")).to_have_text("What has been dumped?")
