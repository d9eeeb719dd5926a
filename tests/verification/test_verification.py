from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import ServiceAccountFactory
from verification.models import SecurityAnswer
from verification.selectors import verification_current_pass
from verification.services import verification_attempt

pytestmark = pytest.mark.django_db
RIGHT = {
    "account_reference": "CT00012345",
    "property_postcode": "SW1A 1AA",
    "last_payment": "345.00",
}


def test_answers_are_stored_only_as_salted_hashes():
    account = ServiceAccountFactory(answers=RIGHT)
    hashes = list(
        SecurityAnswer.objects.filter(service_account=account).values_list(
            "answer_hash", flat=True
        )
    )
    assert len(hashes) == 3
    for stored in hashes:
        prefix, salt, digest = stored.split("$")
        assert prefix == "hmac-sha256"
        assert len(salt) == 16
        assert len(digest) == 64
        for clear in ("CT00012345", "SW1A 1AA", "SW1A1AA", "345.00"):
            assert clear not in f"{salt}${digest}"
    # Salted: the same answers stored for another account do not look the same.
    other = ServiceAccountFactory(answers=RIGHT)
    assert not set(hashes) & set(
        SecurityAnswer.objects.filter(service_account=other).values_list("answer_hash", flat=True)
    )


def test_verification_passes_with_answers_in_any_format(agent):
    account = ServiceAccountFactory(answers=RIGHT)
    attempt = verification_attempt(
        actor=agent,
        service_account=account,
        answers={
            "account_reference": "ct 0001 2345",
            "property_postcode": "sw1a1aa",
            "last_payment": "£345",
        },
    )
    assert attempt.result == "pass"
    assert attempt.valid_until is not None
    assert verification_current_pass(service_account=account, staff=agent) == attempt


def test_verification_fails_and_locks_after_three_failures(agent, settings):
    settings.VERIFICATION_REVEAL_WRONG_ANSWERS = True
    account = ServiceAccountFactory(answers=RIGHT)
    wrong = RIGHT | {"last_payment": "12.00"}
    results = [
        verification_attempt(actor=agent, service_account=account, answers=wrong) for _ in range(3)
    ]
    assert [a.result for a in results] == ["fail", "fail", "fail"]
    assert results[0].failed_questions == ["last_payment"]
    locked = verification_attempt(actor=agent, service_account=account, answers=RIGHT)
    assert locked.result == "locked"


def test_lock_expires_after_thirty_minutes(agent):
    account = ServiceAccountFactory(answers=RIGHT)
    account.locked_until = timezone.now() - timedelta(seconds=1)
    account.save()
    assert (
        verification_attempt(actor=agent, service_account=account, answers=RIGHT).result == "pass"
    )


def test_pass_outside_a_contact_expires(agent, settings):
    account = ServiceAccountFactory(answers=RIGHT)
    attempt = verification_attempt(actor=agent, service_account=account, answers=RIGHT)
    type(attempt).objects.filter(pk=attempt.pk).update(
        valid_until=timezone.now() - timedelta(seconds=1)
    )
    assert verification_current_pass(service_account=account, staff=agent) is None


def test_pass_holds_for_the_current_contact_only(agent, reference_data):
    from contacts.models import Channel, Contact
    from organisation.models import Location

    account = ServiceAccountFactory(answers=RIGHT)

    def contact():
        return Contact.objects.create(
            citizen=account.citizen,
            agent=agent,
            channel=Channel.objects.first(),
            location=Location.objects.first(),
        )

    first = contact()
    attempt = verification_attempt(
        actor=agent, service_account=account, answers=RIGHT, contact=first
    )
    assert attempt.contact == first
    assert attempt.valid_until is None
    assert (
        verification_current_pass(service_account=account, staff=agent, contact=first) == attempt
    )
    first.status = "ended"
    first.save()
    assert (
        verification_current_pass(service_account=account, staff=agent, contact=contact()) is None
    )


def test_verify_page_never_shows_stored_answers(agent_client):
    account = ServiceAccountFactory(answers=RIGHT)
    url = f"/citizens/{account.citizen_id}/accounts/{account.pk}/verify/"
    response = agent_client.post(url, RIGHT | {"last_payment": "1.00"})
    assert b"did not all match" in response.content
    assert b"345.00" not in response.content
    response = agent_client.post(url, RIGHT)
    assert response.status_code == 302


def test_a_pass_given_before_the_contact_carries_into_it(agent, agent_client, reference_data):
    from contacts.models import Channel
    from contacts.services import contact_start
    from organisation.models import Location
    from verification.selectors import contact_verified_services

    account = ServiceAccountFactory(answers=RIGHT)
    url = f"/citizens/{account.citizen_id}/accounts/{account.pk}/verify/"
    assert agent_client.post(url, RIGHT).status_code == 302  # no contact open yet
    contact = contact_start(
        actor=agent,
        citizen=account.citizen,
        channel=Channel.objects.get(code="phone"),
        location=Location.objects.first(),
    )
    assert verification_current_pass(service_account=account, staff=agent, contact=contact)
    assert contact_verified_services(contact=contact) == [str(account.service_area)]
    record = agent_client.get(account.citizen.get_absolute_url()).content.decode()
    assert "Verified" in record
    # Another caller's contact does not get it, nor does a contact after the pass ran out.
    other = ServiceAccountFactory(answers=RIGHT)
    assert not verification_current_pass(service_account=other, staff=agent, contact=contact)


def test_a_pass_that_ran_out_before_the_contact_does_not_carry(agent, reference_data):
    from contacts.models import Channel
    from contacts.services import contact_start
    from organisation.models import Location

    account = ServiceAccountFactory(answers=RIGHT)
    attempt = verification_attempt(actor=agent, service_account=account, answers=RIGHT)
    attempt.valid_until = timezone.now() - timedelta(minutes=1)
    attempt.save()
    contact = contact_start(
        actor=agent,
        citizen=account.citizen,
        channel=Channel.objects.get(code="phone"),
        location=Location.objects.first(),
    )
    assert verification_current_pass(service_account=account, staff=agent, contact=contact) is None


def test_a_failed_attempt_keeps_the_answers_and_says_how_many_tries_are_left(agent_client):
    account = ServiceAccountFactory(answers=RIGHT)
    url = f"/citizens/{account.citizen_id}/accounts/{account.pk}/verify/"
    typed = RIGHT | {"last_payment": "354.00"}
    page = agent_client.post(url, typed).content.decode()
    assert 'value="CT00012345"' in page
    assert 'value="354.00"' in page
    assert "2 tries left before verification for this account locks for 30 minutes" in page
    assert "Last payment" not in page.split("did not all match")[1].split("</div>")[0]
    page = agent_client.post(url, typed).content.decode()
    assert "1 try left" in page
    page = agent_client.post(url, typed).content.decode()
    assert 'data-testid="verify-locked"' in page
