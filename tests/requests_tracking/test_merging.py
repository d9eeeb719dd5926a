"""Marking a request as a duplicate of another: followers move, undo the same day."""

from datetime import timedelta

import pytest
from django.urls import reverse

from notifications.models import Message
from requests_tracking import services
from requests_tracking.models import (
    Request,
    RequestDuplicateLink,
    RequestFollowerEmail,
    StageAction,
)
from requests_tracking.public_links import follower_view_url, tracking_url
from tests.factories import CitizenFactory, EmailAddressFactory, StageActionFactory

from .conftest import at

pytestmark = pytest.mark.django_db
F = RequestFollowerEmail


@pytest.fixture
def pair(raise_request, citizen):
    """An original raised by Jane, and a duplicate raised by Rob with a follower of its own."""
    original = raise_request(description="Mattress dumped by the gate")
    rob = CitizenFactory(first_name="Rob", last_name="Reporter")
    EmailAddressFactory(citizen=rob, email="rob@example.com")
    duplicate = raise_request(citizen=rob, description="Mattress left at the gates")
    return original, duplicate, rob


def _emails(service_request):
    return sorted(
        F.objects.filter(request=service_request, status__in=F.ACTIVE).values_list(
            "email", flat=True
        )
    )


def test_marking_moves_followers_and_reporter_and_closes_the_duplicate(
    pair, officer, follow_by_email
):
    original, duplicate, rob = pair
    neighbour = CitizenFactory(first_name="Nina", last_name="Neighbour")
    services.follower_citizen_add(actor=officer, service_request=duplicate, citizen=neighbour)
    follow_by_email(duplicate, "friend@example.com")
    link = services.request_duplicate_mark(
        actor=officer, duplicate=duplicate, original=original, reason="Same mattress"
    )
    duplicate.refresh_from_db()
    assert duplicate.status == Request.Status.CLOSED
    assert duplicate.status_reason == f"Duplicate of {original.reference}"
    assert duplicate.duplicate_of == original
    assert duplicate.current_visit.left_at is not None
    assert set(original.followers.all()) == {rob, neighbour}
    assert list(duplicate.followers.all()) == []
    assert _emails(original) == ["friend@example.com"]
    assert link.moved["reporter_added"] is True
    told = Message.objects.get(recipient="rob@example.com", event="Closed as a duplicate")
    assert original.reference in told.body
    assert follower_view_url(original) in told.body  # they follow someone else's report
    assert tracking_url(original) not in told.body
    assert original.notes.filter(text__contains=duplicate.reference).exists()
    assert duplicate.notes.filter(text__contains="Same mattress").exists()


def test_the_follower_cap_does_not_stop_a_merge(pair, officer, follow_by_email):
    original, duplicate, _ = pair
    for n in range(services.FOLLOWER_EMAILS_MAX):
        F.objects.create(request=original, email=f"o{n}@example.com", status="confirmed")
    for n in range(3):
        F.objects.create(request=duplicate, email=f"d{n}@example.com", status="confirmed")
    services.request_duplicate_mark(actor=officer, duplicate=duplicate, original=original)
    assert len(_emails(original)) == services.FOLLOWER_EMAILS_MAX + 3


def test_undo_the_same_day_puts_everything_back(pair, officer):
    original, duplicate, rob = pair
    neighbour = CitizenFactory()
    services.follower_citizen_add(actor=officer, service_request=duplicate, citizen=neighbour)
    F.objects.create(request=duplicate, email="both@example.com", status="confirmed")
    F.objects.create(request=original, email="both@example.com", status="confirmed")
    F.objects.create(request=duplicate, email="only@example.com", status="pending")
    now = at(2026, 3, 2, 10)
    link = services.request_duplicate_mark(
        actor=officer, duplicate=duplicate, original=original, now=now
    )
    assert _emails(original) == ["both@example.com", "only@example.com"]
    services.request_duplicate_undo(actor=officer, link=link, now=now + timedelta(hours=6))
    duplicate.refresh_from_db()
    assert duplicate.status == Request.Status.OPEN
    assert duplicate.duplicate_of is None
    assert duplicate.current_visit.left_at is None
    assert list(duplicate.followers.all()) == [neighbour]
    assert list(original.followers.all()) == []
    assert _emails(original) == ["both@example.com"]
    assert _emails(duplicate) == ["both@example.com", "only@example.com"]
    assert F.objects.get(request=duplicate, email="only@example.com").status == "pending"
    link.refresh_from_db()
    assert link.undone_by == officer
    assert Message.objects.filter(recipient="rob@example.com", event__startswith="Open again")
    # Once undone it can be marked again (the link is history now).
    services.request_duplicate_mark(actor=officer, duplicate=duplicate, original=original)
    assert RequestDuplicateLink.objects.filter(duplicate=duplicate).count() == 2


def test_undo_is_refused_the_next_day(pair, officer):
    original, duplicate, _ = pair
    link = services.request_duplicate_mark(
        actor=officer, duplicate=duplicate, original=original, now=at(2026, 3, 2, 16)
    )
    with pytest.raises(services.TransitionRefused, match="only be undone on the day"):
        services.request_duplicate_undo(actor=officer, link=link, now=at(2026, 3, 3, 9))


@pytest.mark.parametrize("case", ["itself", "again", "closed_original", "chain"])
def test_marking_is_refused_in_plain_words(pair, officer, raise_request, case):
    original, duplicate, _ = pair
    if case == "itself":
        original = duplicate
        expected = "cannot be a duplicate of itself"
    elif case == "again":
        services.request_duplicate_mark(actor=officer, duplicate=duplicate, original=original)
        original = raise_request()
        expected = "already marked as a duplicate"
    elif case == "closed_original":
        services.request_cancel(actor=officer, service_request=original, reason="Wrong")
        expected = "Choose an open request to keep"
    else:
        third = raise_request()
        services.request_duplicate_mark(actor=officer, duplicate=original, original=third)
        expected = "is itself a duplicate"
    with pytest.raises(services.TransitionRefused, match=expected):
        services.request_duplicate_mark(actor=officer, duplicate=duplicate, original=original)


def test_one_message_per_follower_per_update_after_a_merge(pair, officer, process, citizen):
    """Someone who followed both requests is told once about the original's next stage."""
    original, duplicate, rob = pair
    StageActionFactory(
        stage=process.stages.get(order=2),
        trigger=StageAction.Trigger.ENTER,
        recipient=StageAction.Recipient.CITIZEN,
    )
    both = CitizenFactory()
    EmailAddressFactory(citizen=both, email="both@example.com")
    services.follower_citizen_add(actor=officer, service_request=original, citizen=both)
    services.follower_citizen_add(actor=officer, service_request=duplicate, citizen=both)
    F.objects.create(request=original, email="both@example.com", status="confirmed")
    F.objects.create(request=duplicate, email="both@example.com", status="confirmed")
    F.objects.create(request=duplicate, email="jane@example.com", status="confirmed")
    services.follower_citizen_add(actor=officer, service_request=duplicate, citizen=citizen)
    services.request_duplicate_mark(actor=officer, duplicate=duplicate, original=original)
    Message.objects.all().delete()
    services.request_advance(actor=officer, service_request=original, now=at(2026, 3, 3, 9))
    recipients = sorted(Message.objects.values_list("recipient", flat=True))
    assert recipients == ["both@example.com", "jane@example.com", "rob@example.com"]


# --- The request page ------------------------------------------------------------------------


def test_staff_page_shows_reports_nearby_and_marks_one_as_a_duplicate(
    client, officer, fly_tipping_pair
):
    original, duplicate = fly_tipping_pair
    client.force_login(officer)
    page = client.get(duplicate.get_absolute_url())
    assert 'data-testid="nearby"' in page.text
    assert original.reference in page.text
    response = client.post(
        reverse("requests_tracking:mark_duplicate", args=[duplicate.pk]),
        {"original": original.reference},
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of == original
    shown = client.get(duplicate.get_absolute_url()).text
    assert "Undo: not a duplicate" in shown
    assert duplicate.reference in client.get(original.get_absolute_url()).text
    undo = client.post(reverse("requests_tracking:undo_duplicate", args=[duplicate.pk]))
    assert undo.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == "open"


def test_unknown_reference_is_a_form_error(client, officer, fly_tipping_pair):
    _, duplicate = fly_tipping_pair
    client.force_login(officer)
    response = client.post(
        reverse("requests_tracking:mark_duplicate", args=[duplicate.pk]),
        {"original": "req-2026-999999"},
    )
    assert response.status_code == 200
    assert "There is no request REQ-2026-999999" in response.text


def test_staff_who_cannot_work_the_request_cannot_mark_it(agent_client, fly_tipping_pair):
    original, duplicate = fly_tipping_pair
    response = agent_client.post(
        reverse("requests_tracking:mark_duplicate", args=[duplicate.pk]),
        {"original": original.reference},
    )
    assert response.status_code == 403
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of is None
