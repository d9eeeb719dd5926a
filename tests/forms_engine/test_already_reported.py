""" "Has it been reported already?" inside a resident's form: after the place is given, open
reports of that kind nearby are offered (publishable fields only), with "follow instead"."""

import pytest

from forms_engine.models import Submission
from requests_tracking.models import Process, Request, RequestFollowerEmail, RequestNote
from requests_tracking.services import request_create
from tests.factories import GazetteerAddressFactory
from tests.forms_engine.helpers import fly_tipping_form

pytestmark = pytest.mark.django_db

SLUG = "report-fly-tipping"
OFFER = f"/forms/{SLUG}/already-reported/"


@pytest.fixture
def place(reference_data):
    return GazetteerAddressFactory(uprn="100023336956", line_1="14 Friar Street")


@pytest.fixture
def existing(place, officer):
    fly_tipping_form()
    process = Process.objects.get(code="fly-tipping")
    Process.objects.filter(pk=process.pk).update(place_based=True)
    process.refresh_from_db()
    return request_create(
        actor=officer,
        process=process,
        description="Jane Private of 14 Friar Street says her ex dumped it",
        address_line_1="14 Friar Street",
        postcode=place.postcode,
        uprn=place.uprn,
    )


def _give_place(client, place):
    return client.post(
        f"/forms/{SLUG}/location/",
        {
            "location-line_1": place.line_1,
            "location-town": place.town,
            "location-postcode": place.postcode,
            "location-uprn": place.uprn,
        },
    )


def test_resident_is_offered_the_open_report_and_follows_it_instead(client, place, existing):
    response = _give_place(client, place)
    assert response.status_code == 302
    assert response["Location"] == f"{OFFER}?next=%2Fforms%2F{SLUG}%2Fwhat%2F"

    offer = client.get(response["Location"])
    assert offer.status_code == 200
    assert "Has it been reported already?" in offer.text
    assert existing.reference in offer.text
    assert "Friar Street" in offer.text
    for private in ("Jane", "Private", "ex dumped"):
        assert private not in offer.text

    followed = client.post(
        OFFER,
        {
            "action": "follow",
            "reference": existing.reference,
            "email": "pat@example.com",
            "next": f"/forms/{SLUG}/what/",
        },
    )
    assert followed.status_code == 200
    assert "You do not need to report it again" in followed.text
    follower = RequestFollowerEmail.objects.get(request=existing)
    assert follower.email == "pat@example.com"
    assert follower.source == RequestFollowerEmail.Source.FORM
    assert Request.objects.count() == 1  # nothing new was raised
    assert RequestNote.objects.filter(
        request=existing, text__contains="online form Report fly-tipping"
    ).exists()
    # This browser starts the form afresh; the draft is kept for the retention sweep.
    assert client.get(f"/forms/{SLUG}/").context["continue_url"] == ""
    assert Submission.objects.filter(status=Submission.Status.DRAFT).count() == 1


def test_carrying_on_with_my_report_is_not_offered_again_for_that_place(client, place, existing):
    first = _give_place(client, place)
    carry_on = client.post(first["Location"], {"action": "continue", "next": "/forms/x/"})
    # A `next` outside this form is ignored: back to where the resident is in the form.
    assert carry_on["Location"] == f"/forms/{SLUG}/what/"
    again = _give_place(client, place)
    assert again["Location"] == f"/forms/{SLUG}/what/"
    assert RequestFollowerEmail.objects.count() == 0


def test_a_bad_email_is_explained_and_nothing_is_followed(client, place, existing):
    first = _give_place(client, place)
    response = client.post(
        first["Location"],
        {"action": "follow", "reference": existing.reference, "email": "pat@"},
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert "Enter an email address in the correct format" in response.text
    assert RequestFollowerEmail.objects.count() == 0


def test_no_offer_when_nothing_is_open_nearby(client, place, existing, officer):
    existing.status = Request.Status.CLOSED
    existing.save(update_fields=["status"])
    assert _give_place(client, place)["Location"] == f"/forms/{SLUG}/what/"


def test_no_offer_when_the_process_is_not_about_places(client, place, existing):
    Process.objects.filter(code="fly-tipping").update(place_based=False)
    assert _give_place(client, place)["Location"] == f"/forms/{SLUG}/what/"
