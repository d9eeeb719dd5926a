import time

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from tests.factories.accounts import PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/sign-in/"


def _attempt(client, username, password):
    return client.post(SIGN_IN, {"username": username, "password": password})


def test_every_page_but_sign_in_requires_a_signed_in_member_of_staff(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)
    assert client.get(SIGN_IN).status_code == 200


def test_sign_in_with_the_right_password_lands_on_home_and_is_audited(client):
    staff = StaffFactory(username="jo", role="Contact centre agent")
    response = _attempt(client, "jo", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/")
    assert "Contact centre agent" in home.content.decode()
    assert AuditEvent.objects.filter(actor=staff, action="sign_in").exists()


def test_wrong_password_says_what_is_wrong_in_plain_words(client):
    StaffFactory(username="jo")
    response = _attempt(client, "jo", "nope")
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()


def test_sign_in_form_is_csrf_protected():
    from django.test import Client

    StaffFactory(username="jo")
    response = Client(enforce_csrf_checks=True).post(
        SIGN_IN, {"username": "jo", "password": PASSWORD}
    )
    assert response.status_code == 403


def test_ten_failures_lock_the_account_even_for_the_right_password(client, settings):
    StaffFactory(username="jo")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _attempt(client, "jo", "wrong-password")
    response = _attempt(client, "jo", PASSWORD)
    assert response.status_code == 429
    assert "locked for 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_a_cool_off_not_a_permanent_lock(client, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt

    StaffFactory(username="jo")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _attempt(client, "jo", "wrong-password")
    assert _attempt(client, "jo", PASSWORD).status_code == 429
    # Pretend the failures happened longer ago than the cool-off period.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.first().attempt_time - timedelta(minutes=16)
    )
    response = _attempt(client, "jo", PASSWORD)
    assert response.status_code == 302


def test_nine_failures_do_not_lock(client, settings):
    StaffFactory(username="jo")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _attempt(client, "jo", "wrong-password")
    assert _attempt(client, "jo", PASSWORD).status_code == 302


def test_session_expires_after_inactivity(client, settings):
    staff = StaffFactory(username="jo")
    client.force_login(staff)
    assert client.get("/").status_code == 200
    session = client.session
    session["last_activity"] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 5
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert "You were signed out because you had not done anything" in follow.content.decode()


def test_sign_out_is_a_post_and_ends_the_session(client):
    staff = StaffFactory(username="jo")
    client.force_login(staff)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_password_change_validates_in_plain_words(client):
    staff = StaffFactory(username="jo")
    client.force_login(staff)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-longer-passphrase",
            "new_password2": "a-much-longer-passphrase",
        },
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password("a-much-longer-passphrase")
