import pytest

from contacts.models import AvoidableReason, Channel, ContactType, Outcome, PartnerOrganisation
from organisation.models import Location, ServiceArea


class Ref:
    """Handy handles on the seeded reference data."""

    def __init__(self):
        self.phone = Channel.objects.get(code="phone")
        self.face_to_face = Channel.objects.get(code="face_to_face")
        self.contact_centre = Location.objects.get(name="Contact centre")
        self.reception = Location.objects.get(name="Main reception, Civic Centre")
        self.waste = ServiceArea.objects.get(name="Waste Management")
        self.council_tax = ServiceArea.objects.get(name="Council Tax")
        self.missed_bin = ContactType.objects.get(service_area=self.waste, name="Missed bin")
        self.balance = ContactType.objects.get(
            service_area=self.council_tax, name="Balance enquiry"
        )
        self.resolved = Outcome.objects.get(code="resolved")
        self.signposted = Outcome.objects.get(code="signposted")
        self.request_raised = Outcome.objects.get(code="request_raised")
        self.not_recorded = Outcome.objects.get(code="not_recorded")
        self.chasing = AvoidableReason.objects.get(name="Chasing progress")
        self.citizens_advice = PartnerOrganisation.objects.get(name="Citizens Advice")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Staff are created in most tests here; the production hasher would dominate the run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def ref(reference_data):
    return Ref()


@pytest.fixture
def outcome_details(ref):
    """Valid keyword arguments for contact_end / contact_record."""
    return {
        "service_area": ref.waste,
        "contact_type": ref.missed_bin,
        "outcome": ref.resolved,
        "avoidable": True,
        "avoidable_reason": ref.chasing,
        "resolved_at_first_contact": True,
        "notes": "Bin missed twice.",
        "partners": [],
    }


_citizen_numbers = iter(range(8_000_000, 9_000_000))


def new_citizen(**kwargs):
    """A citizen from the citizens factory, with the fields it may not yet fill in itself."""
    from tests.factories import CitizenFactory

    for name in ("middle_names", "preferred_name", "title"):
        kwargs.setdefault(name, "")
    kwargs.setdefault("reference", f"C{next(_citizen_numbers):07d}")
    return CitizenFactory(**kwargs)
