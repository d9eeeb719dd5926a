"""Picking a place on the map fills the coordinates, and the open reports nearby follow."""

import pytest

from accounts.models import Role
from requests_tracking import services
from tests.factories import ProcessFactory, ServiceAreaFactory, StaffFactory
from tests.requests_tracking.places_helpers import HERE, offset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clicking_the_map_sets_the_point_and_finds_reports_nearby(
    page, signed_in_page, settings, live_server
):
    # Tiles from a server that answers nothing: the map still takes clicks without them.
    settings.MAP_TILE_URL = live_server.url + "/no-tiles/{z}/{x}/{y}.png"
    settings.MAP_CENTRE = f"{HERE[0]},{HERE[1]}"
    waste = ServiceAreaFactory(name="Waste Management")
    fly_tipping = ProcessFactory(
        name="Fly-tipping", code="fly-tipping", service_area=waste, place_based=True
    )
    officer = StaffFactory(username="map-officer", role=Role.SERVICE_OFFICER)
    lat, lon = offset(north_m=20)
    existing = services.request_create(
        actor=officer,
        process=fly_tipping,
        description="Bags by the bus stop",
        address_line_1="Friar Street",
        latitude=lat,
        longitude=lon,
    )
    agent = StaffFactory(username="map-agent", role=Role.AGENT)
    signed_in_page(agent)
    page.goto("/requests/new/")
    page.get_by_label("What is the request about?").select_option(
        label="Waste Management: Fly-tipping"
    )
    the_map = page.get_by_test_id("map")
    the_map.wait_for()
    the_map.click()  # scrolled into view, clicked in the middle

    latitude = float(page.get_by_label("Latitude").input_value())
    longitude = float(page.get_by_label("Longitude").input_value())
    assert abs(latitude - HERE[0]) < 0.0005  # the centre of the map, within about 50 m
    assert abs(longitude - HERE[1]) < 0.0008
    candidates = page.get_by_test_id("candidate")
    candidates.first.wait_for()
    assert existing.reference in candidates.first.inner_text()
