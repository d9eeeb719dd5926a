import io

import pytest
from django.db.models import F

from contacts import demo
from contacts.models import Contact
from core.demo import DemoContext
from tests.contacts.conftest import new_citizen
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def _seed(ref, seed=7):
    ctx = DemoContext(seed=seed, citizens=0, stdout=io.StringIO())
    ctx.staff = {
        "agent": StaffFactory(username="agent"),
        "reception": StaffFactory(username="reception"),
        "teamleader": StaffFactory(username="teamleader"),
    }
    demo.seed(ctx)
    return ctx


def test_demo_history_is_shaped_like_a_contact_centre(ref):
    for _ in range(60):
        new_citizen()
    ctx = _seed(ref)
    contacts = Contact.objects.all()
    assert contacts.count() == 60 * demo.PER_CITIZEN + 2
    by_channel = {
        code: contacts.filter(channel__code=code).count() for code in demo.CHANNEL_WEIGHTS
    }
    assert max(by_channel, key=by_channel.get) == "phone"
    ended = contacts.filter(status=Contact.Status.ENDED)
    avoidable = ended.filter(avoidable=True)
    assert 0.08 < avoidable.count() / ended.count() < 0.35
    assert not avoidable.filter(avoidable_reason__isnull=True).exists()
    assert ended.filter(resolved_at_first_contact=True).count() > ended.count() / 3
    assert not ended.exclude(contact_type__service_area=F("service_area")).exists()
    assert Contact.objects.filter(outcome__code="signposted", partners__isnull=False).exists()
    waiting = Contact.objects.filter(needs_review=True, agent=ctx.staff["agent"])
    assert waiting.count() == 2
    assert not Contact.objects.open().exists()
    for contact in ended.filter(channel__code="face_to_face")[:20]:
        assert contact.agent == ctx.staff["reception"]


def test_demo_history_is_deterministic(ref):
    for _ in range(10):
        new_citizen()
    _seed(ref, seed=3)
    fields = ("channel_id", "citizen_id", "started_at", "contact_type_id", "avoidable")
    ended = Contact.objects.filter(status=Contact.Status.ENDED).order_by("pk")
    first = list(ended.values_list(*fields))
    Contact.partners.through.objects.all().delete()
    Contact.objects.all().delete()
    _seed(ref, seed=3)
    again = list(ended.values_list(*fields))
    assert first == again
