"""Security questions configured in admin: the answer type chooses the normalisation, rewording
keeps stored answers, changing the type or removing a question marks them for recapture, and
admin and the verify page say so."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.factories import ServiceAccountFactory
from verification.answers import questions_for
from verification.models import SecurityAnswer, SecurityQuestion
from verification.services import service_account_sync, verification_attempt

pytestmark = pytest.mark.django_db
RIGHT = {
    "account_reference": "CT00012345",
    "property_postcode": "SW1A 1AA",
    "last_payment": "345.00",
}


def _question(key):
    return SecurityQuestion.objects.get(kind="council_tax", key=key)


def _change_url(question):
    return reverse("admin:verification_securityquestion_change", args=[question.pk])


def _post(client, question, **changes):
    data = {
        "label": question.label,
        "hint": question.hint,
        "answer_type": question.answer_type,
        "position": question.position,
        **changes,
    }
    return client.post(_change_url(question), data, follow=True)


def test_the_migration_keeps_the_questions_answers_were_stored_for():
    keys = [(q.key, q.answer_type) for q in questions_for("council_tax")]
    assert keys == [
        ("account_reference", "reference"),
        ("property_postcode", "postcode"),
        ("last_payment", "amount"),
    ]
    assert SecurityQuestion.objects.filter(kind="benefits", key="date_of_birth").exists()


@pytest.mark.parametrize(
    ("answer_type", "stored", "typed"),
    [
        ("reference", "AB-12 34/5", "ab12345"),
        ("postcode", "SW1A 1AA", "sw1a1aa"),
        ("date", "27/03/1985", "1985-03-27"),
        ("amount", "345", "£345.00"),
        ("text", "Rover  the Dog", "rover the dog"),
    ],
)
def test_the_answer_type_chooses_how_answers_are_compared(agent, answer_type, stored, typed):
    SecurityQuestion.objects.filter(kind="council_tax").exclude(key="last_payment").delete()
    SecurityQuestion.objects.filter(key="last_payment").update(answer_type=answer_type)
    account = ServiceAccountFactory(answers={"last_payment": stored})
    attempt = verification_attempt(
        actor=agent, service_account=account, answers={"last_payment": typed}
    )
    assert attempt.result == "pass"


def test_text_answers_are_not_loosened_like_references(agent):
    SecurityQuestion.objects.filter(kind="council_tax").exclude(key="last_payment").delete()
    SecurityQuestion.objects.filter(key="last_payment").update(answer_type="text")
    account = ServiceAccountFactory(answers={"last_payment": "Rover"})
    attempt = verification_attempt(
        actor=agent, service_account=account, answers={"last_payment": "R-over"}
    )
    assert attempt.result == "fail"


def test_rewording_a_question_keeps_its_stored_answers(admin_client_, agent):
    account = ServiceAccountFactory(answers=RIGHT)
    question = _question("last_payment")
    response = _post(admin_client_, question, label="How much did you last pay?", hint="")
    assert response.status_code == 200
    assert not [m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert _question("last_payment").label == "How much did you last pay?"
    assert not SecurityAnswer.objects.filter(needs_recapture=True).exists()
    verify = admin_client_.get(
        reverse("verification:verify", args=[account.citizen_id, account.pk])
    ).text
    assert "How much did you last pay?" in verify
    assert "Not captured" not in verify
    attempt = verification_attempt(actor=agent, service_account=account, answers=RIGHT)
    assert attempt.result == "pass"


def test_changing_the_answer_type_marks_answers_for_recapture_and_admin_says_so(
    admin_client_, agent
):
    account = ServiceAccountFactory(answers=RIGHT)
    other_kind = ServiceAccountFactory(
        kind="housing_rent", reference="HR1", answers={"property_postcode": "SW1A 1AA"}
    )
    response = _post(admin_client_, _question("property_postcode"), answer_type="text")
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert len(warnings) == 1
    assert "1 stored answer to it must be captured again" in warnings[0]
    marked = SecurityAnswer.objects.get(service_account=account, question="property_postcode")
    assert marked.needs_recapture
    # Only that question of that type of account.
    assert SecurityAnswer.objects.filter(needs_recapture=True).count() == 1
    assert not SecurityAnswer.objects.get(service_account=other_kind).needs_recapture
    verify = admin_client_.get(
        reverse("verification:verify", args=[account.citizen_id, account.pk])
    ).text
    assert "Not captured" in verify
    assert 'name="property_postcode"' not in verify
    # A stale hash is never checked: even the right answers cannot pass.
    attempt = verification_attempt(actor=agent, service_account=account, answers=RIGHT)
    assert attempt.result == "fail"


def test_an_answer_sent_again_is_captured_and_verifies(admin_client_, agent):
    account = ServiceAccountFactory(answers=RIGHT)
    _post(admin_client_, _question("property_postcode"), answer_type="text")
    service_account_sync(
        actor=None,
        kind="council_tax",
        reference=account.reference,
        citizen=account.citizen,
        service_area=account.service_area,
        snapshot=None,
        answers={"property_postcode": "sw1a 1aa"},
    )
    assert not SecurityAnswer.objects.filter(needs_recapture=True).exists()
    attempt = verification_attempt(
        actor=agent, service_account=account, answers=RIGHT | {"property_postcode": "SW1A 1AA"}
    )
    assert attempt.result == "pass"


def test_removing_a_question_marks_its_answers_and_admin_says_so(admin_client_):
    account = ServiceAccountFactory(answers=RIGHT)
    question = _question("last_payment")
    url = reverse("admin:verification_securityquestion_delete", args=[question.pk])
    response = admin_client_.post(url, {"post": "yes"}, follow=True)
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert any("must be captured again" in w for w in warnings)
    assert [q.key for q in questions_for("council_tax")] == [
        "account_reference",
        "property_postcode",
    ]
    assert SecurityAnswer.objects.get(
        service_account=account, question="last_payment"
    ).needs_recapture
    # Added again under the same key, it is "not captured" until the answer is sent again.
    admin_client_.post(
        reverse("admin:verification_securityquestion_add"),
        {
            "kind": "council_tax",
            "key": "last_payment",
            "label": "Amount of the last payment",
            "hint": "",
            "answer_type": "amount",
            "position": 3,
        },
    )
    verify = admin_client_.get(
        reverse("verification:verify", args=[account.citizen_id, account.pk])
    ).text
    assert "Not captured" in verify


def test_the_key_and_type_of_account_are_fixed_once_saved(admin_client_):
    question = _question("last_payment")
    _post(admin_client_, question, key="renamed", kind="benefits")
    question.refresh_from_db()
    assert (question.key, question.kind) == ("last_payment", "council_tax")


def test_admin_refuses_a_question_without_wording_in_plain_words(admin_client_):
    response = admin_client_.post(
        reverse("admin:verification_securityquestion_add"),
        {"kind": "council_tax", "key": "pet", "label": "", "answer_type": "", "position": 0},
    )
    assert response.status_code == 200
    assert "This field is required" in response.text
    assert not SecurityQuestion.objects.filter(key="pet").exists()
