"""Source records of other apps, made directly for the timeline's tests (no factories yet)."""

import datetime

from django.utils import timezone

from citizens.models import Note
from contacts.models import Contact, ContactType
from tests.factories import (
    ChannelFactory,
    CitizenFactory,
    ContactTypeFactory,
    LocationFactory,
    OutcomeFactory,
    ServiceAreaFactory,
    StaffFactory,
)
from verification.models import SecurityAnswer, ServiceAccount, VerificationAttempt


def citizen(**kwargs):
    kwargs.setdefault("middle_names", "")
    kwargs.setdefault("preferred_name", "")
    return CitizenFactory(**kwargs)


def staff(**kwargs):
    return StaffFactory(**kwargs)


def contact(*, citizen, agent, ended=False, **kwargs):
    area = kwargs.pop("service_area", None) or ServiceAreaFactory(name="Waste Management")
    started = kwargs.pop("started_at", timezone.now() - datetime.timedelta(minutes=20))
    values = {
        "citizen": citizen,
        "agent": agent,
        "channel": ChannelFactory(code="phone"),
        "location": LocationFactory(name="Contact centre"),
        "started_at": started,
        "service_area": area,
        "contact_type": ContactType.objects.filter(service_area=area, name="Missed bin").first()
        or ContactTypeFactory(service_area=area, name="Missed bin"),
    }
    if ended:
        values.update(
            status=Contact.Status.ENDED,
            ended_at=started + datetime.timedelta(minutes=7),
            outcome=OutcomeFactory(code="resolved"),
            resolved_at_first_contact=True,
        )
    values.update(kwargs)
    return Contact.objects.create(**values)


def service_account(*, citizen, **kwargs):
    values = {
        "citizen": citizen,
        "kind": ServiceAccount.Kind.COUNCIL_TAX,
        "service_area": ServiceAreaFactory(name="Council Tax"),
        "reference": "CT123456",
        "reference_compact": "CT123456",
    }
    values.update(kwargs)
    return ServiceAccount.objects.create(**values)


def security_answer(*, account, question="postcode", answer_hash="pbkdf2$SECRETHASH"):
    return SecurityAnswer.objects.create(
        service_account=account, question=question, answer_hash=answer_hash
    )


def attempt(*, account, staff, result="pass", **kwargs):
    return VerificationAttempt.objects.create(
        citizen=account.citizen, service_account=account, staff=staff, result=result, **kwargs
    )


def note(*, citizen, author, text="Called about the bins", **kwargs):
    return Note.objects.create(citizen=citizen, author=author, text=text, **kwargs)
