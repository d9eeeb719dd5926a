from decimal import Decimal

import factory

from places.models import GazetteerAddress


class GazetteerAddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GazetteerAddress
        django_get_or_create = ["uprn"]

    uprn = factory.Sequence(lambda n: str(100_000_000 + n))
    usrn = "21300456"
    line_1 = factory.Sequence(lambda n: f"{n + 1} Friar Street")
    street = "Friar Street"
    town = "Reading"
    postcode = "RG1 1AA"
    postcode_compact = factory.LazyAttribute(lambda o: o.postcode.replace(" ", ""))
    search_text = factory.LazyAttribute(lambda o: f"{o.line_1} {o.street} {o.town}".lower())
    latitude = Decimal("51.455000")
    longitude = Decimal("-0.971000")
