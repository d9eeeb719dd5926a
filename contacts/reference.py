"""Contact reference data councils start with (administrators change it in Django admin)."""

from contacts.models import AvoidableReason, Channel, ContactType, Outcome, PartnerOrganisation
from organisation.models import ServiceArea
from organisation.reference import SERVICE_AREAS

CHANNELS = [
    ("phone", "Phone"),
    ("face_to_face", "Face to face"),
    ("email", "Email"),
    ("webchat", "Webchat"),
    ("social_media", "Social media"),
    ("letter", "Letter"),
]

OUTCOMES = [
    ("resolved", "Resolved"),
    ("referred_to_service", "Referred to service"),
    ("request_raised", "Request raised"),
    ("signposted", "Signposted"),
    ("call_back_required", "Call back required"),
    # The answer was given by sending information (faq: an article by SMS or email); reports
    # count it as resolved by information.
    ("information_sent", "Information sent"),
    # Used by the job that closes contacts nobody ended; not offered to agents.
    ("not_recorded", "Not recorded"),
]

AVOIDABLE_REASONS = [
    "Chasing progress",
    "Duplicate contact",
    "Unclear letter or information",
    "Could have used the website",
    "Council did not do what it said",
    "Transferred to the wrong team",
]

PARTNERS = [
    (
        "Citizens Advice",
        "Free, confidential advice on debt, benefits, housing and more.",
        "0800 144 8848",
        "https://www.citizensadvice.org.uk",
    ),
    (
        "Local food bank (Trussell)",
        "Emergency food parcels with a referral voucher.",
        "",
        "https://www.trussell.org.uk",
    ),
    (
        "StepChange Debt Charity",
        "Free debt advice and debt management plans.",
        "0800 138 1111",
        "https://www.stepchange.org",
    ),
    ("Shelter", "Housing and homelessness advice.", "0808 800 4444", "https://www.shelter.org.uk"),
    (
        "Age UK",
        "Information and advice for older people.",
        "0800 678 1602",
        "https://www.ageuk.org.uk",
    ),
    ("Samaritans", "Someone to talk to, day or night.", "116 123", "https://www.samaritans.org"),
]


def contacts_reference_seed() -> None:
    """Create channels, contact types, outcomes, reasons and partners; idempotent."""
    for order, (code, name) in enumerate(CHANNELS, start=1):
        Channel.objects.get_or_create(code=code, defaults={"name": name, "ordering": order * 10})
    for order, (code, name) in enumerate(OUTCOMES, start=1):
        Outcome.objects.get_or_create(code=code, defaults={"name": name, "ordering": order * 10})
    for order, name in enumerate(AVOIDABLE_REASONS, start=1):
        AvoidableReason.objects.get_or_create(name=name, defaults={"ordering": order * 10})
    for order, (name, description, phone, website) in enumerate(PARTNERS, start=1):
        PartnerOrganisation.objects.get_or_create(
            name=name,
            defaults={
                "description": description,
                "phone": phone,
                "website": website,
                "ordering": order * 10,
            },
        )
    for area_name, _lgsl, types in SERVICE_AREAS:
        area = ServiceArea.objects.get(name=area_name)
        for order, name in enumerate(types, start=1):
            ContactType.objects.get_or_create(
                service_area=area, name=name, defaults={"ordering": order * 10}
            )


seed = contacts_reference_seed  # called by core's seed_reference
