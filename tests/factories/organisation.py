import factory
from django.utils.text import slugify

from contacts.models import Channel, ContactType, Outcome
from organisation.models import Location, ServiceArea, Team


class ServiceAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceArea
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Service area {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    service_area = factory.SubFactory(ServiceAreaFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    email = factory.Sequence(lambda n: f"team{n}@council.example")


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Location {n}")
    kind = Location.Kind.CONTACT_CENTRE


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Channel
        django_get_or_create = ["code"]

    code = "phone"
    name = factory.LazyAttribute(lambda o: o.code.replace("_", " ").capitalize())


class ContactTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactType

    service_area = factory.SubFactory(ServiceAreaFactory)
    name = factory.Sequence(lambda n: f"Contact type {n}")


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome
        django_get_or_create = ["code"]

    code = "resolved"
    name = factory.LazyAttribute(lambda o: o.code.replace("_", " ").capitalize())
