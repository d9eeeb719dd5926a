"""The one follower mechanism: confirmation, expiry, limits, stop links, moving on merge."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from notifications.models import Message
from requests_tracking import services
from requests_tracking.models import RequestFollowerEmail, StageAction
from requests_tracking.public_links import tracking_token
from requests_tracking.services.actions import message_audiences
from tests.factories import (
    CitizenFactory,
    EmailAddressFactory,
    MessageTemplateFactory,
    PhoneNumberFactory,
    StageActionFactory,
)

from .conftest import at

pytestmark = pytest.mark.django_db
F = RequestFollowerEmail
BASE = "http://127.0.0.1:8000"


def _link(body, kind):
    """The path of the confirm or stop link in a message body."""
    found = re.search(re.escape(BASE) + rf"(/track/updates/{kind}/[^\s]+/)", body)
    assert found, body
    return found.group(1)


def _told(service_request):
    return [r.emails for r in message_audiences([service_request])[service_request.pk]]


def test_sign_up_sends_a_confirmation_link_and_nothing_else_until_it_is_used(raise_request):
    request = raise_request()
    signup = services.follower_email_add(service_request=request, email=" Friend@Example.com ")
    assert signup.outcome == "confirmation_sent"
    assert signup.follower.email == "friend@example.com"
    assert signup.follower.status == F.Status.PENDING
    first = Message.objects.get(recipient="friend@example.com")
    assert first.subject == f"Confirm you want updates about {request.reference}"
    assert "ignore this email" in first.body
    assert _told(request) == [("jane@example.com",)]

    public = Client()
    path = _link(first.body, "confirm")
    page = public.get(path)  # a mail scanner opening the link must not confirm
    assert "Yes, send me updates" in page.text
    assert F.objects.get().status == F.Status.PENDING
    response = public.post(path)
    assert response.status_code == 302
    assert F.objects.get().status == F.Status.CONFIRMED
    assert "We will email friend@example.com" in public.get(response["Location"]).text
    assert _told(request) == [("jane@example.com",), ("friend@example.com",)]


def test_asking_again_while_waiting_sends_no_second_email(raise_request):
    request = raise_request()
    services.follower_email_add(service_request=request, email="friend@example.com")
    again = services.follower_email_add(service_request=request, email="FRIEND@example.com")
    assert again.outcome == "already_waiting"
    assert Message.objects.filter(recipient="friend@example.com").count() == 1


def test_unconfirmed_sign_up_expires_after_seven_days(raise_request):
    request = raise_request()
    signed_up = at(2026, 3, 2, 10)
    signup = services.follower_email_add(
        service_request=request, email="late@example.com", now=signed_up
    )
    assert services.followers_expire(now=signed_up + timedelta(days=6, hours=23)) == 0
    assert services.followers_expire(now=signed_up + timedelta(days=7, minutes=1)) == 1
    assert F.objects.get().status == F.Status.EXPIRED
    with pytest.raises(services.FollowerLinkInvalid, match="expired"):
        services.follower_email_confirm(
            follower_id=signup.follower.pk, now=signed_up + timedelta(days=8)
        )
    assert _told(request) == [("jane@example.com",)]
    # They can sign up again, with a new link.
    again = services.follower_email_add(
        service_request=request, email="late@example.com", now=signed_up + timedelta(days=8)
    )
    assert again.outcome == "confirmation_sent"


def test_confirm_link_opened_after_seven_days_says_it_expired(raise_request):
    request = raise_request()
    signup = services.follower_email_add(
        service_request=request, email="late@example.com", now=at(2026, 1, 1, 10)
    )
    path = _link(Message.objects.get(recipient="late@example.com").body, "confirm")
    response = Client().post(path)
    assert response.status_code == 410
    assert "This link has expired" in response.text
    signup.follower.refresh_from_db()
    assert signup.follower.status == F.Status.EXPIRED


def test_one_address_can_be_signed_up_three_times_a_day(raise_request, process):
    first_time = at(2026, 3, 2, 10)
    requests = [raise_request(description=f"Item {n}") for n in range(5)]
    for service_request in requests[:3]:
        services.follower_email_add(
            service_request=service_request, email="victim@example.com", now=first_time
        )
    with pytest.raises(ValidationError, match="3 times in the last 24 hours"):
        services.follower_email_add(
            service_request=requests[3],
            email="Victim@Example.com",
            now=first_time + timedelta(hours=23),
        )
    assert Message.objects.filter(recipient="victim@example.com").count() == 3
    # Another address is not affected, and the same one can be used again the next day.
    services.follower_email_add(service_request=requests[3], email="other@example.com")
    services.follower_email_add(
        service_request=requests[4],
        email="victim@example.com",
        now=first_time + timedelta(hours=24, minutes=1),
    )


def test_tracking_page_says_when_an_address_was_signed_up_too_often(raise_request):
    requests = [raise_request(description=f"Item {n}") for n in range(4)]
    public = Client()
    for service_request in requests:
        path = reverse("public:track_follow", kwargs={"token": tracking_token(service_request)})
        response = public.post(path, {"email": "victim@example.com"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert "the most we allow" in response.text
    assert F.objects.count() == 3


def test_every_message_to_a_follower_has_a_one_click_stop_link(
    raise_request, officer, follow_by_email, process
):
    StageActionFactory(
        stage=process.stages.get(order=2),
        trigger=StageAction.Trigger.ENTER,
        recipient=StageAction.Recipient.CITIZEN,
        template=MessageTemplateFactory(
            subject="{{ reference }} moved on",
            body="Dear {{ citizen_name }}, see {{ tracking_url }}",
            sms_body="{{ reference }}: {{ tracking_url }}",
        ),
    )
    request = raise_request()
    follow_by_email(request, "friend@example.com")
    neighbour = CitizenFactory(first_name="Ned", preferred_channel="sms")
    PhoneNumberFactory(citizen=neighbour, number="+447700900123", kind="mobile")
    services.follower_citizen_add(actor=officer, service_request=request, citizen=neighbour)
    services.request_advance(actor=officer, service_request=request, now=at(2026, 3, 3, 9))

    to_reporter = Message.objects.get(recipient="jane@example.com", subject__endswith="moved on")
    to_friend = Message.objects.get(recipient="friend@example.com", subject__endswith="moved on")
    to_neighbour = Message.objects.get(recipient="+447700900123")
    assert "/track/updates/stop/" not in to_reporter.body  # the reporter does not follow
    assert "To stop: " in to_friend.body
    assert "Stop updates: " in to_neighbour.body

    public = Client()
    response = public.get(_link(to_friend.body, "stop"))
    assert response.status_code == 200
    assert "You will not get any more updates" in response.text
    response = public.get(_link(to_neighbour.body, "stop"))
    assert response.status_code == 200
    assert _told(request) == [("jane@example.com",)]
    assert not request.followers.exists()
    # Clicking again changes nothing and still answers plainly.
    assert public.get(_link(to_friend.body, "stop")).status_code == 200


# --- What a follower sees: the report's progress, never the reporter's case ---------------


def test_followers_get_the_followers_view_not_the_reporters_tracking_page(
    raise_request, officer, follow_by_email, process
):
    StageActionFactory(
        stage=process.stages.get(order=2),
        trigger=StageAction.Trigger.ENTER,
        recipient=StageAction.Recipient.CITIZEN,
        template=MessageTemplateFactory(
            subject="{{ reference }} moved on",
            body="Dear {{ citizen_name }}, {{ note }} See {{ tracking_url }}",
            sms_body="{{ reference }}: {{ tracking_url }}",
        ),
    )
    request = raise_request(description="Sofa outside 12 Acacia Avenue, I am Jane, 07700 900999")
    services.request_note_add(
        actor=officer,
        service_request=request,
        text="Jane: we will call you on 07700 900999 first",
        visible_to_citizen=True,
    )
    follow_by_email(request, "friend@example.com")
    neighbour = CitizenFactory(first_name="Ned", preferred_channel="sms")
    PhoneNumberFactory(citizen=neighbour, number="+447700900123", kind="mobile")
    services.follower_citizen_add(actor=officer, service_request=request, citizen=neighbour)
    services.request_advance(actor=officer, service_request=request, now=at(2026, 3, 3, 9))

    reporter = Message.objects.get(recipient="jane@example.com", subject__endswith="moved on")
    friend = Message.objects.get(recipient="friend@example.com", subject__endswith="moved on")
    neighbour_sms = Message.objects.get(recipient="+447700900123")
    assert f"/track/{tracking_token(request)}/" in reporter.body
    for message in (friend, neighbour_sms):
        assert tracking_token(request) not in message.body
        assert "Jane" not in message.body
        assert "/track/updates/view/" in message.body

    public = Client()
    view = public.get(_link(friend.body, "view"))
    assert view.status_code == 200
    assert request.reference in view.text
    assert request.current_stage.name in view.text
    for private in ("Acacia", "07700 900999", "Jane", "Answer our question"):
        assert private not in view.text
    # The follower's token does not open the reporter's page, nor the other way round.
    follower_token = _link(friend.body, "view").rstrip("/").rsplit("/", 1)[-1]
    assert public.get(f"/track/{follower_token}/").status_code == 404
    assert public.get(f"/track/updates/view/{tracking_token(request)}/").status_code == 404


def test_only_the_reporter_is_asked_for_information(raise_request, officer, follow_by_email):
    request = raise_request()
    follow_by_email(request, "friend@example.com")
    neighbour = CitizenFactory(first_name="Ned")
    EmailAddressFactory(citizen=neighbour, email="ned@example.com")
    services.follower_citizen_add(actor=officer, service_request=request, citizen=neighbour)
    services.request_information_request(
        actor=officer, service_request=request, question="Jane, which side of your house?"
    )
    asked = Message.objects.filter(event="Information requested")
    assert list(asked.values_list("recipient", flat=True)) == ["jane@example.com"]


def test_confirming_a_follow_opens_the_followers_view(raise_request):
    request = raise_request(description="Private words about Jane")
    services.follower_email_add(service_request=request, email="friend@example.com")
    first = Message.objects.get(recipient="friend@example.com")
    public = Client()
    response = public.post(_link(first.body, "confirm"))
    assert response.status_code == 302
    assert response["Location"].startswith("/track/updates/view/")
    page = public.get(response["Location"])
    assert "We will email friend@example.com" in page.text
    assert "Private words" not in page.text


def test_a_forged_stop_or_confirm_link_is_not_found(raise_request, follow_by_email):
    request = raise_request()
    follow_by_email(request, "friend@example.com")
    public = Client()
    assert public.get("/track/updates/stop/WyJlIiwxXQ:forged/").status_code == 404
    assert public.get("/track/updates/confirm/1:forged/").status_code == 404
    assert F.objects.get().status == F.Status.CONFIRMED


def test_staff_page_shows_which_addresses_wait_for_confirmation(officer_client, raise_request):
    request = raise_request()
    services.follower_email_add(service_request=request, email="friend@example.com")
    page = officer_client.get(reverse("requests_tracking:detail", args=[request.pk]))
    assert "friend@example.com (waiting for confirmation)" in page.text


def test_merge_moves_followers_past_the_cap(raise_request, officer, follow_by_email, monkeypatch):
    from requests_tracking.services import followers

    original = raise_request(description="Sofa on the verge")
    duplicate = raise_request(description="Sofa dumped")
    follow_by_email(duplicate, "one@example.com")
    follow_by_email(duplicate, "both@example.com")
    services.follower_email_add(service_request=duplicate, email="waiting@example.com")
    follow_by_email(original, "both@example.com")
    neighbour = CitizenFactory()
    EmailAddressFactory(citizen=neighbour, email="ned@example.com")
    services.follower_citizen_add(actor=officer, service_request=duplicate, citizen=neighbour)
    monkeypatch.setattr(followers, "FOLLOWER_EMAILS_MAX", 1)  # the original is already full

    counts = services.followers_move(actor=officer, source=duplicate, target=original)

    assert counts == {"emails": 2, "emails_already_following": 1, "citizens": 1}
    on_original = dict(
        F.objects.filter(request=original, status__in=F.ACTIVE).values_list("email", "status")
    )
    assert on_original == {
        "both@example.com": "confirmed",
        "one@example.com": "confirmed",
        "waiting@example.com": "pending",
    }
    assert list(original.followers.all()) == [neighbour]
    assert not duplicate.followers.exists()
    assert not F.objects.filter(request=duplicate, status__in=F.ACTIVE).exists()
    # The moved address's first link still confirms it, now for the original.
    waiting = F.objects.get(email="waiting@example.com", request=original)
    services.follower_email_confirm(follower_id=waiting.pk)
    assert ("waiting@example.com",) in _told(original)


def test_citizen_follower_added_by_staff_once_and_never_the_reporter(raise_request, officer):
    request = raise_request()
    neighbour = CitizenFactory()
    assert services.follower_citizen_add(actor=officer, service_request=request, citizen=neighbour)
    assert not services.follower_citizen_add(
        actor=officer, service_request=request, citizen=neighbour
    )
    assert not services.follower_citizen_add(
        actor=officer, service_request=request, citizen=request.citizen
    )
    assert list(request.followers.all()) == [neighbour]


def test_raising_a_request_does_not_look_for_followers_nobody_can_have_yet(raise_request, process):
    """The first stage's messages go to the reporter: a request raised a moment ago in the
    same transaction has no followers, so none are looked up."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    StageActionFactory(
        stage=process.stages.get(order=1),
        trigger=StageAction.Trigger.ENTER,
        recipient=StageAction.Recipient.CITIZEN,
        template=MessageTemplateFactory(subject="{{ reference }} received", body="Thanks"),
    )
    with CaptureQueriesContext(connection) as queries:
        request = raise_request()
    assert Message.objects.filter(recipient="jane@example.com", subject__endswith="received")
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "requests_tracking_request_followers" not in sql
    assert "requests_tracking_requestfolloweremail" not in sql
    assert request.reference in Message.objects.get(recipient="jane@example.com").subject
