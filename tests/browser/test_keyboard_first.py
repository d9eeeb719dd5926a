"""Keyboard first: signing in, finding a caller and opening their record, counted in key presses
(it took 58 Tab presses before: 7 to the username field, 27 from the home page to the search
box, 24 from the search box to the first result)."""

import pytest

from tests.factories import AddressFactory, CitizenFactory
from tests.factories.accounts import PASSWORD, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _focused(page):
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return e ? (e.id || e.getAttribute('href') || e.tagName) : ''; }"
    )


def _focus_is_visible(page):
    """The focused element draws the GOV.UK focus state (yellow background or outline)."""
    return page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle !== 'none' || s.backgroundColor === 'rgb(255, 221, 0)'"
        " || s.boxShadow !== 'none'; }"
    )


def test_sign_in_find_a_caller_and_open_their_record_with_few_key_presses(page):
    StaffFactory(username="keys-agent", first_name="Kim", role="Contact centre agent")
    person = CitizenFactory(first_name="Winifred", last_name="Haworth")
    AddressFactory(citizen=person, line_1="4 Mill Lane", postcode="HD1 2AB")
    tabs = 0

    page.goto("/accounts/sign-in/")
    assert _focused(page) == "id_username", "the sign-in page starts in the username field"
    page.keyboard.type("keys-agent")
    page.keyboard.press("Tab")
    tabs += 1
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector("#home-q")
    assert _focused(page) == "home-q", "after sign-in the search box has focus"

    page.keyboard.type("haworth")
    first = page.get_by_test_id("home-results").get_by_role(
        "link", name="Winifred Haworth", exact=True
    )
    first.wait_for()
    page.keyboard.press("Tab")
    tabs += 1
    assert _focused(page) == person.get_absolute_url(), "the first person is one Tab away"
    assert _focus_is_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{person.get_absolute_url()}")
    assert tabs == 2

    # A documented shortcut reaches the search from any page.
    page.keyboard.press("/")
    page.wait_for_selector("#home-q")
    assert _focused(page) == "home-q"
