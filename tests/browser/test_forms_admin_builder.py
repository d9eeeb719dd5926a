"""An administrator builds a two-page form with a condition in Django admin and publishes it;
a resident then sees the second page only when the condition holds."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from forms_engine.models import Form
from tests.factories import ServiceAreaFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _add_inline_row(page, group_id):
    page.locator(f"#{group_id} .add-row a").click()


def test_administrator_builds_a_two_page_form_with_a_condition_and_publishes_it(
    page, signed_in_page, live_server, reference_data
):
    ServiceAreaFactory(name="Waste Management")
    admin = StaffFactory(username="forms-admin", role=Role.ADMINISTRATOR)
    signed_in_page(admin)

    page.goto("/admin/forms_engine/form/add/")
    page.get_by_label("Name:").fill("Report a dead animal")
    page.get_by_label("Name:").press("Tab")  # the address is made from the name
    expect(page.locator("#id_slug")).to_have_value("report-a-dead-animal")
    page.locator("#id_service_area").select_option(label="Waste Management")
    page.locator("#id_portals_from").select_option(label="Citizen portal")
    page.locator("#id_portals_add").click()
    _add_inline_row(page, "pages-group")
    _add_inline_row(page, "pages-group")
    page.locator("#id_pages-0-order").fill("1")
    page.locator("#id_pages-0-key").fill("animal")
    page.locator("#id_pages-0-title").fill("The animal")
    page.locator("#id_pages-1-order").fill("2")
    page.locator("#id_pages-1-key").fill("where")
    page.locator("#id_pages-1-title").fill("Where it is")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    form = Form.objects.get(slug="report-a-dead-animal")

    # Page 1: a yes/no question.
    page.get_by_role("link", name="Edit questions (0)").first.click()
    _add_inline_row(page, "fields-group")
    page.locator("#id_fields-0-key").fill("on_road")
    page.locator("#id_fields-0-kind").select_option(label="Yes or no")
    page.locator("#id_fields-0-label").fill("Is it on a road?")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    # Page 2: the road's name.
    page.get_by_role("link", name="Edit questions (0)").click()
    _add_inline_row(page, "fields-group")
    page.locator("#id_fields-0-key").fill("road")
    page.locator("#id_fields-0-kind").select_option(label="Text (one line)")
    page.locator("#id_fields-0-label").fill("Which road?")
    page.get_by_role("button", name="Save", exact=True).click()

    # The condition: show page 2 only when the animal is on a road.
    page.get_by_role("link", name="Add a rule (conditions and actions)").click()
    page.get_by_label("Name:").fill("On a road")
    page.locator("#id_conditions-0-field_key").select_option(
        label="The animal: Is it on a road? (on_road)"
    )
    page.locator("#id_conditions-0-operator").select_option(label="is")
    page.locator("#id_conditions-0-value").fill("yes")
    page.locator("#id_actions-0-kind").select_option(label="Show a page (skipped otherwise)")
    page.locator("#id_actions-0-target_page").select_option(label="2. Where it is")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    expect(page.locator(".field-publishing")).to_contain_text("Not published yet")
    expect(page.locator(".field-publishing")).to_contain_text("The checks pass")

    page.get_by_test_id("publish").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Version 1 of “Report a dead animal” is published"
    )
    form.refresh_from_db()
    assert form.current_version.number == 1
    assert form.current_version.snapshot["rules"][0]["actions"][0]["page"] == "where"

    # A resident: "No" goes straight to the check page, "Yes" asks for the road.
    page.goto("/forms/report-a-dead-animal/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("No").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Check your answers before sending")
    page.get_by_role("link", name="Back").click()
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Where it is")
