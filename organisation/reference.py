"""Reference data councils start with (administrators change it in Django admin)."""

from django.utils.text import slugify

from organisation.models import Location, ServiceArea, Team

SERVICE_AREAS = [
    # (name, LGSL code, [contact types])
    (
        "Waste Management",
        "524",
        [
            "Missed bin",
            "Bulky waste collection",
            "Garden waste subscription",
            "Fly-tipping report",
            "New bin request",
        ],
    ),
    (
        "Council Tax",
        "",
        ["Balance enquiry", "Change of address", "Discount or exemption", "Payment arrangement"],
    ),
    ("Benefits", "", ["New claim", "Change of circumstances", "Payment enquiry"]),
    ("Licensing", "", ["Taxi licence", "Premises licence"]),
    ("Highways", "", ["Pothole", "Street lighting", "Abandoned vehicle"]),
    ("Housing", "", ["Repair", "Rent enquiry", "Homelessness"]),
    ("Environmental Health", "", ["Noise", "Food hygiene"]),
    ("Planning", "", ["Application enquiry", "Comment on application"]),
]

LOCATIONS = [
    ("Contact centre", Location.Kind.CONTACT_CENTRE),
    ("Main reception, Civic Centre", Location.Kind.RECEPTION),
    ("Central Library hub", Location.Kind.COMMUNITY_HUB),
    ("Northfield Library hub", Location.Kind.COMMUNITY_HUB),
    ("Working from home", Location.Kind.REMOTE),
]


def organisation_reference_seed() -> None:
    """Create the starting service areas, teams and locations; idempotent, never overwrites."""
    for order, (name, lgsl, _types) in enumerate(SERVICE_AREAS, start=1):
        area, _ = ServiceArea.objects.get_or_create(
            name=name, defaults={"slug": slugify(name), "lgsl_code": lgsl, "ordering": order * 10}
        )
        Team.objects.get_or_create(
            service_area=area,
            name=f"{name} team",
            defaults={"email": f"{slugify(name)}@council.example"},
        )
    for order, (name, kind) in enumerate(LOCATIONS, start=1):
        Location.objects.get_or_create(name=name, defaults={"kind": kind, "ordering": order * 10})


seed = organisation_reference_seed  # called by core's seed_reference
