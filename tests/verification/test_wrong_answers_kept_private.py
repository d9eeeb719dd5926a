"""Security answers: the agent is told pass or fail, never which answer was wrong, unless the
council turns VERIFICATION_REVEAL_WRONG_ANSWERS on — on the page, in the activity feed and in
what is stored about the attempt."""

import pytest

from tests.factories import ServiceAccountFactory
from timeline.models import Entry
from verification.models import VerificationAttempt

pytestmark = pytest.mark.django_db
RIGHT = {
    "account_reference": "CT00012345",
    "property_postcode": "SW1A 1AA",
    "last_payment": "345.00",
}
WRONG = RIGHT | {"last_payment": "354.00", "property_postcode": "SW1A 2AA"}


def verify(client, account, answers):
    url = f"/citizens/{account.citizen_id}/accounts/{account.pk}/verify/"
    return client.post(url, answers).content.decode()


def failure_box(page):
    return page.split('data-testid="verify-fail"')[1].split("</div></div></div>")[0]


def test_by_default_only_pass_or_fail_is_shown_fed_and_stored(agent_client):
    account = ServiceAccountFactory(answers=RIGHT)
    page = verify(agent_client, account, WRONG)

    box = failure_box(page)
    assert "The answers did not all match" in box
    assert "last payment" not in box.lower()
    assert "postcode" not in box.lower()
    attempt = VerificationAttempt.objects.get()
    assert attempt.result == "fail"
    assert attempt.failed_questions == []
    entry = Entry.objects.get(source_id=str(attempt.pk))
    assert entry.summary == f"Failed verification against {account}"
    assert "wrong" not in entry.summary
    assert "last_payment" not in str(entry.detail)


def test_the_setting_reveals_them_everywhere(agent_client, settings):
    settings.VERIFICATION_REVEAL_WRONG_ANSWERS = True
    account = ServiceAccountFactory(answers=RIGHT)
    page = verify(agent_client, account, WRONG)

    box = failure_box(page)
    assert "These answers did not match:" in box
    assert "did not match: Postcode of the property, Amount of the last payment." in box
    attempt = VerificationAttempt.objects.get()
    assert sorted(attempt.failed_questions) == ["last_payment", "property_postcode"]
    entry = Entry.objects.get(source_id=str(attempt.pk))
    assert entry.summary == f"Failed verification against {account} (2 answers wrong)"


def test_a_rebuilt_feed_does_not_reveal_what_an_older_attempt_stored(agent, settings):
    from timeline.receivers.verification import history

    settings.VERIFICATION_REVEAL_WRONG_ANSWERS = True
    account = ServiceAccountFactory(answers=RIGHT)
    from verification.services import verification_attempt

    verification_attempt(actor=agent, service_account=account, answers=WRONG)
    settings.VERIFICATION_REVEAL_WRONG_ANSWERS = False
    (entry,) = list(history([account.citizen_id]))
    assert entry.summary == f"Failed verification against {account}"
