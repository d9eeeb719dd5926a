"""Raising a place-based request on the agent's screen: location, candidates, follow instead."""

import pytest
from django.urls import reverse

from notifications.models import Message
from requests_tracking.models import Request, RequestFollowerEmail, RequestNote
from requests_tracking.public_links import follower_view_url, tracking_url
from tests.factories import GazetteerAddressFactory, ProcessFactory
from tests.requests_tracking.places_helpers import offset

pytestmark = pytest.mark.django_db

CREATE = reverse("requests_tracking:create")


@pytest.fixture
def fly_tipping(db):
    return ProcessFactory(code="fly-tipping", name="Fly-tipping", place_based=True)


@pytest.fixture
def existing(fly_tipping, officer, citizen):
    from requests_tracking.services import request_create

    lat, lon = offset(north_m=40)
    return request_create(
        actor=officer,
        process=fly_tipping,
        description="Mattress dumped by the gate",
        citizen=citizen,
        address_line_1="40 Friar Street",
        latitude=lat,
        longitude=lon,
    )


@pytest.fixture
def caller(db):
    from tests.factories import CitizenFactory

    return CitizenFactory(first_name="Carl", last_name="Caller")


def _data(process, **extra):
    return {"process": process.pk, "description": "Old mattress left at the gates", **extra}


def test_place_based_request_needs_a_location(agent_client, fly_tipping):
    response = agent_client.post(CREATE, _data(fly_tipping))
    assert response.status_code == 200
    assert "Say where it is: pick an address" in response.text
    assert Request.objects.count() == 0


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"uprn": "1234567890123"}, "A UPRN is a number of 1 to 12 digits"),
        ({"uprn": "12-34"}, "A UPRN is a number of 1 to 12 digits"),
        ({"latitude": "48.85", "longitude": "2.35"}, "Those coordinates are outside the UK"),
        ({"latitude": "51.5"}, "Enter both the latitude and the longitude."),
    ],
)
def test_bad_place_input_gets_a_plain_form_error(agent_client, fly_tipping, extra, message):
    response = agent_client.post(CREATE, _data(fly_tipping, address_line_1="Here", **extra))
    assert response.status_code == 200
    assert message in response.text
    assert Request.objects.count() == 0


def test_candidates_are_shown_and_a_new_report_needs_a_reason(
    agent_client, fly_tipping, existing, caller
):
    GazetteerAddressFactory(uprn="310000100001", latitude=offset()[0], longitude=offset()[1])
    page = CREATE + f"?citizen={caller.pk}"
    data = _data(fly_tipping, address_line_1="1 Friar Street", uprn="310000100001")
    response = agent_client.post(page, data)
    assert response.status_code == 200
    assert existing.reference in response.text
    assert "40 m away" in response.text
    assert "Follow instead" in response.text
    assert "Probably the same" in response.text
    assert Request.objects.count() == 1

    response = agent_client.post(page, {**data, "new_reason": "A different pile, further up"})
    assert response.status_code == 302
    new = Request.objects.exclude(pk=existing.pk).get()
    note = RequestNote.objects.get(request=new)
    assert existing.reference in note.text
    assert "A different pile, further up" in note.text


def test_follow_instead_makes_the_caller_a_follower_and_shows_the_tracking_link(
    agent_client, fly_tipping, existing, caller
):
    lat, lon = offset()
    response = agent_client.post(
        CREATE + f"?citizen={caller.pk}",
        _data(
            fly_tipping,
            address_line_1="1 Friar Street",
            latitude=str(lat),
            longitude=str(lon),
            follow=str(existing.pk),
        ),
    )
    assert response.status_code == 200
    assert existing.reference in response.text
    assert follower_view_url(existing) in response.text
    assert tracking_url(existing) not in response.text
    assert Request.objects.count() == 1
    assert list(existing.followers.all()) == [caller]
    assert RequestNote.objects.filter(
        request=existing, text__contains="Carl Caller", kind="system"
    ).exists()


def test_anonymous_caller_follows_by_email(agent_client, fly_tipping, existing):
    lat, lon = offset()
    data = _data(
        fly_tipping,
        address_line_1="1 Friar Street",
        latitude=str(lat),
        longitude=str(lon),
        follow=str(existing.pk),
    )
    response = agent_client.post(CREATE, data)
    assert "Enter the caller&#x27;s email address" in response.text
    assert RequestFollowerEmail.objects.count() == 0
    response = agent_client.post(CREATE, {**data, "follow_email": "neighbour@example.com"})
    assert response.status_code == 200
    assert follower_view_url(existing) in response.text
    assert tracking_url(existing) not in response.text
    follower = RequestFollowerEmail.objects.get(request=existing)
    assert (follower.email, follower.status, follower.source) == (
        "neighbour@example.com",
        "pending",
        "follow_instead",
    )
    assert "We have emailed neighbour@example.com a link" in response.text
    assert Message.objects.filter(recipient="neighbour@example.com").count() == 1


def test_follow_refuses_a_report_that_is_not_a_candidate(agent_client, fly_tipping, existing):
    far = offset(north_m=5000)
    response = agent_client.post(
        CREATE,
        _data(
            fly_tipping,
            address_line_1="Elsewhere",
            latitude=str(far[0]),
            longitude=str(far[1]),
            follow=str(existing.pk),
            follow_email="a@example.com",
        ),
    )
    assert "That report is not open near here any more" in response.text
    assert RequestFollowerEmail.objects.count() == 0


def test_candidates_panel_updates_as_the_agent_types(agent_client, fly_tipping, existing):
    lat, lon = offset()
    response = agent_client.get(
        reverse("requests_tracking:candidates"),
        {"process": fly_tipping.pk, "latitude": str(lat), "longitude": str(lon)},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert existing.reference in response.text
    assert "<html" not in response.text
    assert "HX-Request" in [v.strip() for v in response["Vary"].split(",")]


def test_non_place_process_has_no_candidates(agent_client, officer, citizen):
    plain = ProcessFactory(place_based=False)
    response = agent_client.get(
        reverse("requests_tracking:candidates"), {"process": plain.pk, "uprn": "1"}
    )
    assert 'data-testid="candidate"' not in response.text


# --- The map to pick a point ------------------------------------------------------------------


def test_no_map_without_a_tile_server(agent_client, fly_tipping, settings):
    settings.MAP_TILE_URL = ""
    page = agent_client.get(CREATE)
    assert "data-map-picker" not in page.text
    assert "leaflet" not in page.text
    assert 'name="latitude"' in page.text  # the coordinates are typed instead


def test_map_is_offered_with_the_councils_tile_server(agent_client, fly_tipping, settings):
    settings.MAP_TILE_URL = "https://tiles.example.gov.uk/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© Example Council"
    page = agent_client.get(CREATE)
    assert 'data-tile-url="https://tiles.example.gov.uk/{z}/{x}/{y}.png"' in page.text
    assert 'data-attribution="© Example Council"' in page.text
    assert "/static/vendor/leaflet/leaflet.js" in page.text
