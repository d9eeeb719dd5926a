import pytest

from tests.browser.accessibility import assert_accessible
from tests.factories.accounts import StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_signs_in_and_lands_on_the_home_page(page, signed_in_page, tmp_path):
    agent = StaffFactory(username="browser-agent", first_name="Alex", role="Contact centre agent")
    signed_in_page(agent)
    assert page.get_by_test_id("staff-name").inner_text().startswith("Alex")
    assert page.get_by_role("heading", level=1).inner_text().endswith("Alex")
    assert page.get_by_role("link", name="Skip to main content").count() == 1
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)
    assert (tmp_path / "home.png").stat().st_size > 1000
    assert_accessible(page)


def test_sign_in_page_shows_errors_accessibly(page):
    page.goto("/accounts/sign-in/")
    assert_accessible(page)
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    assert "There is a problem" in summary.inner_text()
    assert_accessible(page)
