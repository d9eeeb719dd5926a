import datetime
import re

import pytest
from django.utils import timezone

from tests.browser.accessibility import assert_accessible
from tests.factories import EntryFactory, ServiceAreaFactory, StaffFactory
from tests.timeline import builders as make
from timeline.models import Kind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def at(day):
    return timezone.make_aware(datetime.datetime(2026, 3, day, 10, 30))


def test_agent_filters_a_timeline_by_service_area_and_dates_then_clears(page, signed_in_page):
    agent = StaffFactory(username="browser-agent", first_name="Alex", role="Contact centre agent")
    person = make.citizen()
    waste = ServiceAreaFactory(name="Waste Management")
    tax = ServiceAreaFactory(name="Council Tax")
    EntryFactory(
        citizen=person,
        service_area=waste,
        occurred_at=at(2),
        kind=Kind.CONTACT_ENDED,
        summary="Early missed bin call",
    )
    EntryFactory(
        citizen=person,
        service_area=waste,
        occurred_at=at(12),
        kind=Kind.NOTE_ADDED,
        summary="Bin left at the wrong house",
    )
    EntryFactory(
        citizen=person,
        service_area=tax,
        occurred_at=at(13),
        kind=Kind.NOTE_ADDED,
        summary="Asked about single person discount",
    )
    signed_in_page(agent)
    page.goto(f"/timeline/citizens/{person.pk}/")
    entries = page.get_by_test_id("timeline-entry")
    assert entries.count() == 3

    page.get_by_label("Service area").select_option(label="Waste Management")
    page.wait_for_url(re.compile(r"service_area="))
    assert entries.count() == 2
    page.get_by_label("From").fill("10/03/2026")
    page.get_by_label("To").fill("20/03/2026")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"date_to=20"))
    assert entries.count() == 1
    assert "Bin left at the wrong house" in entries.first.inner_text()
    assert "1 entry matches these filters" in page.get_by_test_id("timeline-total").inner_text()
    assert_accessible(page)

    page.get_by_test_id("clear-filters").click()
    page.wait_for_url(re.compile(rf"/timeline/citizens/{person.pk}/$"))
    assert entries.count() == 3
    assert page.get_by_label("From").input_value() == ""
    assert page.get_by_label("Service area").input_value() == ""
