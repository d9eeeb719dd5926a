"""Demo citizens in bulk: realistic en_GB names, addresses and contact details.

Faker is slow per call, so it fills pools once and the rows are combined from the pools with
the seeded RNG; a million citizens take minutes, not hours.

Also: near-duplicate people (typos, swapped names, moved house) so the duplicate features can be
seen, assistance flags and notes. Linked service accounts are seeded by verification.demo.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from citizens.models import (
    Address,
    AssistanceFlag,
    Citizen,
    EmailAddress,
    Note,
    PhoneNumber,
)
from citizens.normalise import (
    citizen_reference,
    name_normalise,
    postcode_normalise,
    search_keys_for,
)
from core.sequences import sequence_take
from organisation.models import ServiceArea

BATCH = 5000
# Titles that go with the first name drawn (Faker's male and female name lists).
TITLES = {"male": ["Mr", "Mr", "Mr", "Dr", "", ""], "female": ["Mrs", "Ms", "Miss", "Dr", "", ""]}
# UK mobile numbers start 071-075 or 077-079 (076 is pagers and personal numbering).
MOBILE_PREFIXES = ["71", "72", "73", "74", "75", "77", "78", "79"]
EMAIL_DOMAINS = ["example.com", "example.org", "example.net", "mail.example", "post.example"]


# One real area, so the demo reads like one borough: the towns of Kirklees (West Yorkshire)
# with their postcode districts. Street names are built from common English street words and
# each street lies in one town and one postcode sector, as real streets do.
TOWNS = [
    ("Huddersfield", ["HD1", "HD2", "HD3", "HD4", "HD5"], 10),
    ("Dewsbury", ["WF12", "WF13"], 5),
    ("Batley", ["WF17"], 4),
    ("Mirfield", ["WF14"], 2),
    ("Heckmondwike", ["WF16"], 2),
    ("Cleckheaton", ["BD19"], 2),
    ("Holmfirth", ["HD9"], 2),
    ("Marsden", ["HD7"], 1),
    ("Slaithwaite", ["HD7"], 1),
    ("Kirkburton", ["HD8"], 1),
]
STREET_WORDS = [
    "Church",
    "Mill",
    "Station",
    "Park",
    "Victoria",
    "Albert",
    "Queen",
    "King",
    "Manor",
    "Beech",
    "Oak",
    "Ash",
    "Birch",
    "Elm",
    "Willow",
    "Meadow",
    "Hill",
    "Moor",
    "Bank",
    "Green",
    "Westgate",
    "Northgate",
    "Greenhead",
    "Wakefield",
    "Halifax",
    "Bradford",
    "Leeds",
    "Manchester",
    "Dale",
    "Holme",
    "Spring",
    "Clough",
    "Lowther",
    "Fenton",
    "Ravens",
    "Lidget",
    "Crosland",
    "Lindley",
    "Edgerton",
    "Fartown",
    "Birkby",
    "Thornhill",
    "Savile",
    "Bradley",
    "Moorside",
    "Highfield",
    "Broad",
    "New",
    "Cross",
    "School",
    "Chapel",
    "Vicarage",
    "Croft",
]
STREET_KINDS = [
    "Road",
    "Street",
    "Lane",
    "Avenue",
    "Close",
    "Drive",
    "Crescent",
    "Terrace",
    "Grove",
    "Way",
    "Gardens",
    "Place",
    "View",
    "Court",
    "Rise",
]
# The inward code's letters never include C, I, K, M, O or V.
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def _places(rng, count=900):
    """(street, town, postcode district + sector, unit letters) for plausible addresses."""
    weighted = [town for town in TOWNS for _ in range(town[2])]
    places, seen = [], set()
    while len(places) < count:
        town, districts, _ = rng.choice(weighted)
        street = f"{rng.choice(STREET_WORDS)} {rng.choice(STREET_KINDS)}"
        if (street, town) in seen:
            continue
        seen.add((street, town))
        sector = f"{rng.choice(districts)} {rng.randint(1, 9)}"
        units = [rng.choice(INWARD_LETTERS) + rng.choice(INWARD_LETTERS) for _ in range(3)]
        places.append((street, town, sector, units))
    return places


def _pools(ctx, size=4000):
    f = ctx.faker
    return {
        "first": [(f.first_name_male(), "male") for _ in range(size // 2)]
        + [(f.first_name_female(), "female") for _ in range(size // 2)],
        "last": [f.last_name() for _ in range(size)],
        "places": _places(ctx.rng),
    }


def demo_address(rng, places) -> dict:
    """A plausible address in the demo borough: number, street, town and a valid postcode."""
    street, town, sector, units = rng.choice(places)
    postcode = postcode_normalise(f"{sector}{rng.choice(units)}")
    uprn = str(rng.randint(10_000_000, 99_999_999_999)) if rng.random() < 0.8 else ""
    line_1 = f"{rng.randint(1, 180)} {street}"
    return {"line_1": line_1, "town": town, "postcode": postcode, "uprn": uprn}


DUPLICATE_SHARE = 0.03
NOTE_TEXTS = [
    "Called about a missed bin collection; explained the new collection day.",
    "Asked for a copy of their council tax bill to be sent by post.",
    "Prefers to be called in the afternoon.",
    "Reported a pothole outside the house; request raised.",
    "Needed help completing the online form; completed it with them on the phone.",
    "Asked about garden waste subscription renewal.",
]
SENSITIVE_TEXTS = [
    "Disclosed financial hardship; signposted to Citizens Advice.",
    "Safeguarding referral made to adult social care.",
]


def demo_citizen(**fields) -> Citizen:
    first, middle, last = fields["first_name"], fields["middle_names"], fields["last_name"]
    return Citizen(
        **fields,
        search_name=name_normalise(f"{first} {middle} {last}"),
        search_last_name=name_normalise(last),
        search_keys=search_keys_for(first, middle, last),
    )


def _typo(word: str, rng) -> str:
    if len(word) < 4:
        return word + word[-1]
    i = rng.randint(1, len(word) - 2)
    kind = rng.random()
    if kind < 0.4:  # swapped letters
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind < 0.7:  # a letter dropped
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]  # a letter doubled


def near_duplicate(original: Citizen, rng, reference: str) -> Citizen:
    first, last = original.first_name, original.last_name
    roll = rng.random()
    if roll < 0.35:
        last = _typo(last, rng)
    elif roll < 0.6:
        first = _typo(first, rng)
    elif roll < 0.75:
        first, last = last, first  # names swapped on a form
    # else: same name, moved house (a different address is chosen by the caller)
    return demo_citizen(
        reference=reference,
        title=original.title,
        first_name=first,
        middle_names="",
        last_name=last,
        date_of_birth=original.date_of_birth,
        preferred_channel=original.preferred_channel,
    )


def _extras(ctx, citizens, postcode_of, areas, now):
    """Assistance flags and notes for a batch."""
    rng = ctx.rng
    staff = list(ctx.staff.values()) or [None]
    flags, notes = [], []
    for c in citizens:
        if rng.random() < 0.04:
            flags.append(
                AssistanceFlag(
                    citizen=c,
                    kind=rng.choice(AssistanceFlag.Kind.values),
                    note="Recorded at a previous contact.",
                    review_date=(now + timedelta(days=rng.randint(-30, 365))).date(),
                )
            )
        if rng.random() < 0.12:
            sensitive = rng.random() < 0.15
            notes.append(
                Note(
                    citizen=c,
                    text=rng.choice(SENSITIVE_TEXTS if sensitive else NOTE_TEXTS),
                    sensitive=sensitive,
                    author=rng.choice(staff),
                    service_area=rng.choice(list(areas.values())) if areas else None,
                )
            )
    AssistanceFlag.objects.bulk_create(flags)
    Note.objects.bulk_create(notes)


def seed(ctx):
    total = ctx.citizens
    if total <= 0:
        return
    pools = _pools(ctx)
    rng = ctx.rng
    refs = iter(sequence_take(name="citizen", count=total))
    now = timezone.now()
    today = date.today()
    areas = {a.name: a for a in ServiceArea.objects.all()}
    created = 0
    while created < total:
        size = min(BATCH, total - created)
        with transaction.atomic():
            batch = []
            for _ in range(size):
                first, sex = rng.choice(pools["first"])
                last = rng.choice(pools["last"])
                middle = rng.choice(pools["first"])[0] if rng.random() < 0.3 else ""
                dob = today - timedelta(days=rng.randint(17 * 365, 95 * 365))
                batch.append(
                    demo_citizen(
                        reference=citizen_reference(next(refs)),
                        title=rng.choice(TITLES[sex]) if rng.random() > 0.01 else "Mx",
                        first_name=first,
                        middle_names=middle,
                        last_name=last,
                        date_of_birth=dob if rng.random() < 0.92 else None,
                        preferred_channel=rng.choice(["email", "sms", "phone", "letter", ""]),
                    )
                )
            # A realistic share of people registered twice: typos, swapped names, moved house.
            twins = {}
            for original in list(batch):
                if created + len(batch) < total and rng.random() < DUPLICATE_SHARE:
                    twin = near_duplicate(original, rng, citizen_reference(next(refs)))
                    batch.append(twin)
                    twins[id(twin)] = original
            citizens = Citizen.objects.bulk_create(batch)
            size = len(citizens)
            addresses, emails, phones = [], [], []
            postcode_of, place_of = {}, {}
            for c in citizens:
                original = twins.get(id(c))
                place = demo_address(rng, pools["places"])
                if original is not None and rng.random() < 0.6:
                    place = place_of[original.pk]  # same address; else they moved
                place_of[c.pk] = place
                postcode = place["postcode"]
                postcode_of[c.pk] = postcode
                addresses.append(
                    Address(
                        citizen=c,
                        line_1=place["line_1"],
                        town=place["town"],
                        postcode=postcode,
                        postcode_compact=postcode.replace(" ", ""),
                        uprn=place["uprn"],
                        is_current=True,
                        valid_from=today - timedelta(days=rng.randint(30, 9000)),
                    )
                )
                if rng.random() < 0.7:  # a share of residents have no email address
                    emails.append(
                        EmailAddress(
                            citizen=c,
                            email=f"{name_normalise(c.first_name).replace(' ', '')}."
                            f"{name_normalise(c.last_name).replace(' ', '')}.{c.reference[1:]}"
                            f"@{rng.choice(EMAIL_DOMAINS)}",
                            confirmed_at=now - timedelta(days=rng.randint(1, 800))
                            if rng.random() < 0.6
                            else None,
                        )
                    )
                if rng.random() < 0.85:
                    mobile = rng.random() < 0.75
                    number = (
                        f"+447700{rng.randint(900000, 900999)}"
                        if mobile and rng.random() < 0.02
                        else f"+44{rng.choice(MOBILE_PREFIXES)}{rng.randint(10000000, 99999999)}"
                        if mobile
                        else f"+44{rng.choice(['1632', '1154', '1614', '2079'])}"
                        f"{rng.randint(100000, 999999)}"
                    )
                    phones.append(
                        PhoneNumber(
                            citizen=c,
                            number=number,
                            kind=PhoneNumber.Kind.MOBILE if mobile else PhoneNumber.Kind.LANDLINE,
                            confirmed_at=now - timedelta(days=rng.randint(1, 800))
                            if rng.random() < 0.5
                            else None,
                        )
                    )
            Address.objects.bulk_create(addresses)
            EmailAddress.objects.bulk_create(emails)
            PhoneNumber.objects.bulk_create(phones)
            _extras(ctx, citizens, postcode_of, areas, now)
        created += size
        if total >= 50_000 and created % 50_000 < BATCH:
            ctx.log(f"  citizens: {created:,} of {total:,}")
    ctx.log(f"  citizens: {total:,} created")
