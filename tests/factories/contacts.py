import datetime

import factory
from django.utils import timezone

from contacts.models import AvoidableReason, Contact, PartnerOrganisation
from tests.factories.accounts import StaffFactory
from tests.factories.organisation import (
    ChannelFactory,
    ContactTypeFactory,
    LocationFactory,
    OutcomeFactory,
)


class AvoidableReasonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AvoidableReason
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Avoidable reason {n}")


class PartnerOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerOrganisation
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Partner {n}")
    phone = "0800 000 0000"


class ContactFactory(factory.django.DjangoModelFactory):
    """An open contact; use `ended=True` for one ended with an outcome."""

    class Meta:
        model = Contact

    class Params:
        ended = factory.Trait(
            status=Contact.Status.ENDED,
            ended_at=factory.LazyAttribute(lambda o: o.started_at + datetime.timedelta(minutes=6)),
            contact_type=factory.SubFactory(ContactTypeFactory),
            service_area=factory.SelfAttribute("contact_type.service_area"),
            outcome=factory.SubFactory(OutcomeFactory),
            avoidable=False,
            resolved_at_first_contact=True,
        )

    agent = factory.SubFactory(StaffFactory, username="contacts-agent")
    channel = factory.SubFactory(ChannelFactory)
    location = factory.SubFactory(LocationFactory)
    started_at = factory.LazyFunction(timezone.now)
