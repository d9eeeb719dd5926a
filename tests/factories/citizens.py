import datetime

import factory

from citizens.models import (
    Address,
    Citizen,
    EmailAddress,
    Note,
    PhoneNumber,
)
from citizens.normalise import name_normalise, search_keys_for


class CitizenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citizen

    reference = factory.Sequence(lambda n: f"C{9000000 + n:07d}")
    first_name = factory.Sequence(lambda n: f"Firstname{n}")
    last_name = factory.Sequence(lambda n: f"Lastname{n}")
    middle_names = ""
    preferred_name = ""
    date_of_birth = datetime.date(1980, 5, 17)
    search_name = factory.LazyAttribute(
        lambda o: name_normalise(f"{o.first_name} {o.middle_names} {o.last_name}")
    )
    search_last_name = factory.LazyAttribute(lambda o: name_normalise(o.last_name))
    search_keys = factory.LazyAttribute(
        lambda o: search_keys_for(o.first_name, o.middle_names, o.last_name, o.preferred_name)
    )


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    citizen = factory.SubFactory(CitizenFactory)
    line_1 = factory.Sequence(lambda n: f"{n} High Street")
    town = "Exampleton"
    postcode = "SW1A 1AA"
    postcode_compact = factory.LazyAttribute(lambda o: o.postcode.replace(" ", ""))


class EmailAddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmailAddress

    citizen = factory.SubFactory(CitizenFactory)
    email = factory.Sequence(lambda n: f"person{n}@example.com")


class PhoneNumberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PhoneNumber

    citizen = factory.SubFactory(CitizenFactory)
    number = factory.Sequence(lambda n: f"+4477009{n:05d}")
    kind = PhoneNumber.Kind.MOBILE


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    citizen = factory.SubFactory(CitizenFactory)
    text = factory.Sequence(lambda n: f"Note number {n}")
