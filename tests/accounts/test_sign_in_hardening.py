"""Sign-in: password spraying from one address is slowed (except the council's own networks),
a stranger cannot lock a named member of staff out for long, failed sign-ins are audited."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt

from audit.models import AuditEvent
from tests.factories.accounts import PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/sign-in/"
STRANGER = "203.0.113.9"
DESK = "10.1.2.3"


def _attempt(client, username, password, address=STRANGER):
    return client.post(SIGN_IN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_failed_sign_ins_are_audited_with_the_name_tried_and_the_address(client):
    StaffFactory(username="jo")
    _attempt(client, "jo", "wrong-password")
    _attempt(client, "nobody-called-this", "whatever")
    events = AuditEvent.objects.filter(action="sign_fail").order_by("id")
    assert [e.detail for e in events] == [{"username": "jo"}, {"username": "nobody-called-this"}]
    assert {e.actor for e in events} == {None}
    assert {e.ip_address for e in events} == {STRANGER}
    assert "wrong-password" not in str([e.detail for e in events])


def test_a_stranger_locks_a_name_for_themselves_long_but_for_its_owner_only_briefly(
    client, settings
):
    from django.test import Client

    StaffFactory(username="jo")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _attempt(client, "jo", "wrong-password")
    stranger = _attempt(client, "jo", PASSWORD)
    assert stranger.status_code == 429
    assert "locked for 15 minutes" in stranger.text
    desk = Client()
    owner = _attempt(desk, "jo", PASSWORD, address=DESK)
    assert owner.status_code == 429
    assert "locked for 3 minutes" in owner.text
    # The stranger's further tries do not keep the lock fresh for the owner.
    for _ in range(5):
        assert _attempt(client, "jo", "wrong-password").status_code == 429
    for attempt in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=attempt.pk).update(
            attempt_time=attempt.attempt_time - timedelta(minutes=4)
        )
    assert _attempt(client, "jo", PASSWORD).status_code == 429  # the stranger still waits
    assert _attempt(desk, "jo", PASSWORD, address=DESK).status_code == 302


def test_refused_tries_are_audited_too(client, settings):
    StaffFactory(username="jo")
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        _attempt(client, "jo", "wrong-password")
    events = AuditEvent.objects.filter(action="sign_fail")
    assert events.count() == settings.AXES_FAILURE_LIMIT + 2
    assert events.filter(detail__refused="locked").count() == 2


def test_password_spraying_from_one_address_is_stopped_across_usernames(client, settings):
    settings.SIGN_IN_IP_FAILURE_LIMIT = 5
    StaffFactory(username="jo")
    for n in range(5):
        assert _attempt(client, f"user{n}", "Summer2026!").status_code == 200
    refused = _attempt(client, "jo", PASSWORD)
    assert refused.status_code == 429
    assert "Too many failed sign-ins from your connection" in refused.text
    assert int(refused["Retry-After"]) >= 1
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="sign_fail", detail__refused="address").exists()
    # No username was locked by it: jo signs in from elsewhere at once.
    from django.test import Client

    assert _attempt(Client(), "jo", PASSWORD, address=DESK).status_code == 302


def test_the_councils_own_networks_are_not_locked_out_together(client, settings):
    settings.SIGN_IN_IP_FAILURE_LIMIT = 5
    settings.SIGN_IN_TRUSTED_NETWORKS = ["198.51.100.0/24"]
    StaffFactory(username="jo")
    for n in range(8):
        _attempt(client, f"user{n}", "Summer2026!", address="198.51.100.20")
    assert _attempt(client, "jo", PASSWORD, address="198.51.100.20").status_code == 302


def test_usernames_still_lock_one_by_one_inside_the_councils_networks(client, settings):
    settings.SIGN_IN_TRUSTED_NETWORKS = ["198.51.100.0/24"]
    StaffFactory(username="jo")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _attempt(client, "jo", "wrong-password", address="198.51.100.20")
    assert _attempt(client, "jo", PASSWORD, address="198.51.100.20").status_code == 429
