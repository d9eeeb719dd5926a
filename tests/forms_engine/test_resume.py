"""Save and come back later: a link by email or a code by text message, stored only as a hash,
opening the draft at the page reached with every answer in place — and plain words when a link
is used twice, replaced, expired or for a form already sent."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from forms_engine.models import ResumeToken, Submission
from notifications.models import Message
from tests.forms_engine.helpers import PAGE_ANSWERS, fill_pages, fly_tipping_form

pytestmark = pytest.mark.django_db
SLUG = "report-fly-tipping"


@pytest.fixture
def form(reference_data):
    return fly_tipping_form()


def _save_half_way(client, **contact):
    fill_pages(client, SLUG, pages=("location",))
    # "Save and come back later" on page 2, with page 2 half answered.
    response = client.post(f"/forms/{SLUG}/what/", {"amount": "van", "_save_later": "1"})
    assert response["Location"] == f"/forms/{SLUG}/save/"
    data = {"name": "Pat Resident", "how": "email", "email": "pat@example.com", **contact}
    return client.post(f"/forms/{SLUG}/save/", data)


def _link_from_email():
    message = Message.objects.filter(channel="email", event="form_resume_link").latest("pk")
    return re.search(r"http://[^/]+(/forms/resume/[^/\s]+/)", message.body).group(1), message


def test_save_by_email_and_resume_at_the_exact_page_with_answers_in_place(client, form):
    saved = _save_half_way(client)
    assert saved["Location"] == f"/forms/{SLUG}/saved/"
    draft = Submission.objects.get()
    keep_until = timezone.localtime(draft.expires_at).date()
    page = client.get(saved["Location"])
    assert f"{keep_until.day} {keep_until:%B} {keep_until.year}" in page.text
    path, message = _link_from_email()
    assert message.recipient == "pat@example.com"
    assert f"{keep_until.day} {keep_until:%B} {keep_until.year}" in message.body

    token = path.rstrip("/").rsplit("/", 1)[-1]
    row = ResumeToken.objects.get()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in row.token_hash
    assert row.sent_to == "pat@example.com"

    other_device = Client()
    opened = other_device.get(path)
    assert opened["Location"] == f"/forms/{SLUG}/?resumed=1"
    start = other_device.get(opened["Location"])
    assert f'href="/forms/{SLUG}/what/"' in start.text  # continue where they left off
    page = other_device.get(f"/forms/{SLUG}/what/")
    assert 'value="van" checked' in page.text  # the half-answered page kept its answer
    assert "12 Mill Lane" in other_device.get(f"/forms/{SLUG}/location/").text


def test_a_link_used_twice_says_so(client, form):
    _save_half_way(client)
    path, _ = _link_from_email()
    assert Client().get(path).status_code == 302
    again = Client().get(path)
    assert again.status_code == 410
    assert "This link has been used already" in again.text


def test_a_new_link_cancels_older_ones(client, form):
    _save_half_way(client)
    old, _ = _link_from_email()
    client.post(
        f"/forms/{SLUG}/save/", {"name": "Pat", "how": "email", "email": "pat@example.com"}
    )
    new, _ = _link_from_email()
    assert old != new
    refused = Client().get(old)
    assert refused.status_code == 410
    assert "replaced by a newer one" in refused.text
    assert Client().get(new).status_code == 302


def test_an_expired_draft_link_says_so(client, form):
    _save_half_way(client)
    path, _ = _link_from_email()
    Submission.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    refused = Client().get(path)
    assert refused.status_code == 410
    assert "has expired" in refused.text


def test_a_link_for_a_form_already_sent_says_so(client, form):
    _save_half_way(client)
    path, _ = _link_from_email()
    client.post(f"/forms/{SLUG}/what/", PAGE_ANSWERS["what"])
    fill_pages(client, SLUG, pages=("photo", "your_details"))
    client.post(f"/forms/{SLUG}/check/")
    refused = Client().get(path)
    assert refused.status_code == 410
    assert "already been sent" in refused.text
    assert Submission.objects.get().reference in refused.text


def test_a_forged_link_says_so(client, form):
    refused = client.get("/forms/resume/not-a-real-token/")
    assert refused.status_code == 410
    assert "This link is not right" in refused.text


def test_save_by_text_message_and_continue_with_the_code(client, form):
    saved = _save_half_way(client, how="sms", mobile="07700 900 982", email="")
    assert saved.status_code == 302
    sms = Message.objects.get(channel="sms", event="form_resume_code")
    assert sms.recipient == "+447700900982"
    code = re.search(r"code to continue your form is ([A-Z0-9]{8})", sms.body).group(1)
    assert ResumeToken.objects.get().token_hash == hashlib.sha256(code.encode()).hexdigest()

    other = Client()
    wrong = other.post(f"/forms/{SLUG}/continue/", {"mobile": "07700900982", "code": "AAAAAAAA"})
    assert wrong.status_code == 400
    assert "The code or mobile number is not right" in wrong.text
    right = other.post(
        f"/forms/{SLUG}/continue/", {"mobile": "+44 7700 900982", "code": code.lower()}
    )
    assert right["Location"] == f"/forms/{SLUG}/?resumed=1"
    assert 'value="van" checked' in other.get(f"/forms/{SLUG}/what/").text


def test_the_save_form_says_what_is_wrong(client, form):
    fill_pages(client, SLUG, pages=("location",))
    response = client.post(f"/forms/{SLUG}/save/", {"how": "sms", "mobile": "01632 960 001"})
    assert response.status_code == 200
    assert "Enter your full name" in response.text
    assert "Enter a UK mobile number, like 07700 900 982" in response.text
    assert not ResumeToken.objects.exists()
