"""The public "already reported?" page: only what may be published, and follow for updates."""

import pytest
from django.urls import reverse

from notifications.models import Message
from requests_tracking import services
from requests_tracking.models import RequestFollowerEmail
from requests_tracking.public_links import tracking_token
from tests.factories import (
    CitizenFactory,
    GazetteerAddressFactory,
    PhoneNumberFactory,
    ProcessFactory,
)
from tests.requests_tracking.places_helpers import offset

pytestmark = pytest.mark.django_db
PAGE = reverse("already_reported:page")
SECRET_WORDS = "Mattress dumped by Mr Private at number 27"


@pytest.fixture
def reported(officer, settings):
    process = ProcessFactory(code="fly-tipping", name="Fly-tipping", place_based=True)
    lat, lon = offset(north_m=40)
    GazetteerAddressFactory(
        uprn="900", usrn="4400", line_1="27 Friar Street", latitude=lat, longitude=lon
    )
    here = offset()
    GazetteerAddressFactory(
        uprn="901",
        usrn="4400",
        line_1="1 Friar Street",
        postcode="RG1 1AB",
        latitude=here[0],
        longitude=here[1],
    )
    reporter = CitizenFactory(first_name="Private", last_name="Person")
    PhoneNumberFactory(citizen=reporter, number="+447700900123")
    made = services.request_create(
        actor=officer,
        process=process,
        citizen=reporter,
        description=SECRET_WORDS,
        address_line_1="27 Friar Street",
        postcode="RG1 1AA",
        uprn="900",
    )
    return process, made


def test_page_lists_open_reports_nearby_with_only_what_may_be_published(client, reported):
    process, made = reported
    response = client.get(PAGE, {"process": process.pk, "uprn": "901"})
    assert response.status_code == 200
    text = response.text
    assert "1 open report of fly-tipping near 1 Friar Street" in text
    assert "Friar Street, Reading" in text  # the street, from the gazetteer
    assert made.reference in text
    assert "About 40 metres" in text
    for private in [SECRET_WORDS, "Mattress", "27 Friar Street", "Private", "07700", "900123"]:
        assert private not in text, private
    assert tracking_token(made) not in text
    assert response["Cache-Control"].startswith("max-age=0")


def test_searching_a_street_offers_addresses_to_pick(client, reported):
    process, _ = reported
    response = client.get(PAGE, {"process": process.pk, "where": "friar"})
    assert 'data-testid="address-choices"' in response.text
    assert "uprn=901" in response.text


def test_search_problems_are_plain_form_errors(client, reported):
    process, _ = reported
    assert "Choose what you want to report." in client.get(PAGE, {"where": "RG1 1AA"}).text
    assert "Enter a postcode or a street." in client.get(PAGE, {"process": process.pk}).text
    missing = client.get(PAGE, {"process": process.pk, "where": "Nowhere Lane"}).text
    assert "We could not find &quot;Nowhere Lane&quot;" in missing
    bad = client.get(PAGE, {"process": process.pk, "uprn": "12ab"}).text
    assert "A UPRN is a number of 1 to 12 digits" in bad
    other = ProcessFactory(place_based=False)
    assert "Choose what you want to report from the list." in (
        client.get(PAGE, {"process": other.pk, "where": "RG1 1AA"}).text
    )


def test_follow_for_updates_signs_up_through_the_confirmation(client, reported):
    process, made = reported
    back = f"{PAGE}?process={process.pk}&uprn=901"
    response = client.post(
        reverse("already_reported:follow"),
        {"reference": made.reference, "email": "Neighbour@Example.com", "back": back},
    )
    assert response.status_code == 302
    assert response["Location"] == back
    follower = RequestFollowerEmail.objects.get(request=made)
    assert (follower.email, follower.status, follower.source) == (
        "neighbour@example.com",
        "pending",
        "follow_instead",
    )
    assert Message.objects.filter(recipient="neighbour@example.com").count() == 1
    assert "We have emailed Neighbour@Example.com a link" in client.get(back).text
    assert made.notes.filter(text__contains="already reported page").exists()


def test_follow_refuses_closed_or_unpublished_requests_and_bad_emails(client, reported, officer):
    process, made = reported
    url = reverse("already_reported:follow")
    response = client.post(url, {"reference": made.reference, "email": "not-an-email"})
    assert "Enter an email address in the correct format" in client.get(response["Location"]).text
    private = services.request_create(
        actor=officer, process=ProcessFactory(place_based=False), description="Benefits"
    )
    client.post(url, {"reference": private.reference, "email": "a@example.com"})
    services.request_cancel(actor=officer, service_request=made, reason="Cleared")
    response = client.post(url, {"reference": made.reference, "email": "a@example.com"})
    assert "That report is closed now" in client.get(response["Location"]).text
    assert RequestFollowerEmail.objects.count() == 0


def test_follow_never_redirects_off_the_page(client, reported):
    _, made = reported
    response = client.post(
        reverse("already_reported:follow"),
        {"reference": made.reference, "email": "a@example.com", "back": "https://evil.example/"},
    )
    assert response["Location"] == PAGE
