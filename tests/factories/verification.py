import factory

from organisation.models import ServiceArea
from tests.factories.citizens import CitizenFactory
from verification.answers import answer_hash, questions_for
from verification.models import SecurityAnswer, ServiceAccount


class ServiceAccountFactory(factory.django.DjangoModelFactory):
    """A council tax account; pass answers={...} to store hashed security answers."""

    class Meta:
        model = ServiceAccount
        skip_postgeneration_save = True

    citizen = factory.SubFactory(CitizenFactory)
    kind = ServiceAccount.Kind.COUNCIL_TAX
    service_area = factory.LazyFunction(
        lambda: ServiceArea.objects.get_or_create(
            name="Council Tax", defaults={"slug": "council-tax"}
        )[0]
    )
    reference = factory.Sequence(lambda n: f"CT{n:08d}")
    reference_compact = factory.LazyAttribute(lambda o: o.reference)
    snapshot = factory.LazyFunction(lambda: {"Balance": "£120.00"})

    @factory.post_generation
    def answers(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        for q in questions_for(self.kind):
            if q.key in extracted:
                SecurityAnswer.objects.create(
                    service_account=self,
                    question=q.key,
                    answer_hash=answer_hash(q, extracted[q.key]),
                )
