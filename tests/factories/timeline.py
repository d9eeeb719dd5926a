import datetime

import factory
from django.utils import timezone

from tests.factories.citizens import CitizenFactory
from timeline.models import KIND_CATEGORY, ActorType, Entry, Kind

BASE_TIME = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0))


class EntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entry

    citizen = factory.SubFactory(CitizenFactory, middle_names="", preferred_name="")
    occurred_at = factory.Sequence(lambda n: BASE_TIME + datetime.timedelta(hours=n))
    kind = Kind.NOTE_ADDED
    category = factory.LazyAttribute(lambda o: KIND_CATEGORY[o.kind])
    actor_type = ActorType.STAFF
    summary = factory.Sequence(lambda n: f"Event number {n}")
    source_type = "tests.thing"
    source_id = factory.Sequence(str)
    key = factory.Sequence(lambda n: f"tests.thing:{n}")
