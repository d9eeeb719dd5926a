"""At 1,366×768 the record page shows the call summary and every action of a call (start/end
contact, verify, raise a request, add a note) without scrolling."""

import pytest
from django.core.management import call_command

from accounts.models import Role
from organisation.models import Location
from tests.factories import ServiceAccountFactory, StaffFactory
from tests.factories.citizens import AddressFactory, CitizenFactory, NoteFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH, HEIGHT = 1366, 768


def _in_first_screen(page, locator):
    box = locator.bounding_box()
    assert box is not None, "not shown"
    inside_height = box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT
    return inside_height and box["x"] + box["width"] <= WIDTH


def test_call_actions_are_within_reach_without_scrolling(page, signed_in_page):
    call_command("seed_reference", verbosity=0)
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    agent = StaffFactory(username="agent-1366", first_name="Alex", role=Role.AGENT)
    agent.usual_location = Location.objects.get(name="Contact centre")
    agent.save()
    pat = CitizenFactory(first_name="Pat", middle_names="", last_name="Haworth")
    AddressFactory(citizen=pat, line_1="4 Mill Lane", town="Huddersfield", postcode="HD1 2AB")
    ServiceAccountFactory(citizen=pat, reference="CT00012345")
    for n in range(12):
        NoteFactory(citizen=pat, text=f"Earlier call {n}: asked about collection days.")
    signed_in_page(agent)
    page.goto(f"/citizens/{pat.pk}/")

    actions = page.get_by_test_id("call-actions")
    start = actions.get_by_role("button", name="Start phone contact")
    wanted = {
        "name": page.get_by_test_id("citizen-name"),
        "verification": page.get_by_test_id("summary-verification"),
        "open requests": page.get_by_test_id("summary-requests"),
        "start contact": start,
        "verify": actions.get_by_role("link", name="Verify: council tax account"),
        "raise a request": actions.get_by_role("link", name="Raise a request"),
        "add a note": page.get_by_test_id("add-note").locator("summary"),
    }
    assert page.evaluate("window.scrollY") == 0
    for what, locator in wanted.items():
        assert _in_first_screen(page, locator), f"{what} is below the first screen"

    # During the call: "End this contact" takes the start button's place, still in reach.
    start.click()
    page.get_by_test_id("action-end-contact").wait_for()
    assert page.evaluate("window.scrollY") == 0
    assert _in_first_screen(page, page.get_by_test_id("action-end-contact"))
    assert _in_first_screen(page, page.get_by_test_id("add-note").locator("summary"))
