import factory

from notifications.models import MessageTemplate
from requests_tracking.models import Process, Stage, StageAction
from tests.factories.organisation import ServiceAreaFactory, TeamFactory


class MessageTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MessageTemplate
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Template {n}")
    subject = "Your request {{ reference }}"
    body = "Dear {{ citizen_name }}, your request {{ reference }} is at {{ stage }}."


class ProcessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Process
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"process-{n}")
    name = factory.Sequence(lambda n: f"Process {n}")
    service_area = factory.SubFactory(ServiceAreaFactory)
    default_team = factory.SubFactory(
        TeamFactory, service_area=factory.SelfAttribute("..service_area")
    )

    @factory.post_generation
    def stages(self, create, extracted, **kwargs):
        """stages=[("Assess", 2, "days"), …]; default: three stages of 2, 3 and 1 working days."""
        if not create:
            return
        specs = (
            extracted
            if extracted is not None
            else [
                ("Assess", 2, "days"),
                ("Do the work", 3, "days"),
                ("Check", 1, "days"),
            ]
        )
        for order, (name, amount, unit) in enumerate(specs, start=1):
            Stage.objects.create(
                process=self, order=order, name=name, sla_amount=amount, sla_unit=unit
            )


class StageActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StageAction

    stage = factory.LazyFunction(lambda: ProcessFactory().stages.first())
    trigger = StageAction.Trigger.BREACH
    recipient = StageAction.Recipient.TEAM
    template = factory.SubFactory(MessageTemplateFactory)
