"""A team leader opens the reports, changes the dates and a filter, and downloads a CSV.

Also saves the README's screenshots of the contacts and requests reports."""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from tests.browser.accessibility import assert_accessible
from tests.factories import StaffFactory
from tests.reports.conftest import (  # noqa: F401 (fixtures)
    _no_cached_freshness,
    contacts_set,
    ref,
    sla_set,
    teams,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def headline(page, label):
    return (
        page.get_by_test_id("report-headlines")
        .locator(f"div.app-report-headline:has(dt:text-is('{label}')) dd > span")
        .first.inner_text()
    )


def test_team_leader_filters_the_contacts_report_and_downloads_a_table(
    page,
    signed_in_page,
    contacts_set,  # noqa: F811
    sla_set,  # noqa: F811
):
    leader = StaffFactory(username="browser-leader", first_name="Lee", role=Role.TEAM_LEADER)
    signed_in_page(leader)
    page.get_by_role("link", name="Reports").click()
    page.wait_for_url(re.compile(r"/reports/contacts/"))
    assert page.get_by_test_id("report-freshness").is_visible()

    page.get_by_label("From", exact=True).fill("2/3/2026")
    page.get_by_label("To", exact=True).fill("9/3/2026")
    page.get_by_test_id("apply-filters").click()
    page.wait_for_url(re.compile(r"date_from=2%2F3%2F2026"))
    assert headline(page, "Contacts") == "5"
    assert "rose 400%" in page.get_by_test_id("report-headlines").inner_text()

    page.get_by_label("Channel", exact=True).select_option(label="Face to face")
    page.wait_for_url(re.compile(r"channel=\d+"))
    # (a locator, not a JavaScript string: the page's CSP allows no eval)
    expect(page.locator("[data-testid=report-headlines] dd span").first).to_have_text("1")
    # The sub-navigation carries the filters to the other reports.
    assert "channel=" in page.get_by_role("link", name="Requests and SLAs").get_attribute("href")

    page.get_by_label("Channel", exact=True).select_option(label="All channels")
    expect(page.locator("[data-testid=report-headlines] dd span").first).to_have_text("5")
    with page.expect_download() as download:
        page.get_by_test_id("csv-channel").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
    table = page.get_by_test_id("data-channel")
    shown = [
        [cell.inner_text().strip() for cell in row.locator("th, td").all()]
        for row in table.locator("tr").all()
    ]
    assert rows == shown
    assert rows[1][:2] == ["Phone", "4"]
    assert_accessible(page)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOTS / "reports-contacts.png"), full_page=False)

    page.get_by_role("link", name="Requests and SLAs").click()
    page.wait_for_url(re.compile(r"/reports/requests/"))
    page.get_by_label("From", exact=True).fill("1/4/2026")
    page.get_by_label("To", exact=True).fill("30/4/2026")
    page.get_by_test_id("apply-filters").click()
    page.wait_for_url(re.compile(r"date_from=1%2F4%2F2026"))
    assert headline(page, "Stage SLAs met") == "75%"
    page.get_by_test_id("table-sla_stage").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "reports-requests.png"), full_page=False)
