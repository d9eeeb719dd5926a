"""Demo citizens in bulk: realistic en_GB names, addresses and contact details.

Faker is slow per call, so it fills pools once and the rows are combined from the pools with
the seeded RNG; a million citizens take minutes, not hours.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from citizens.models import Address, Citizen, EmailAddress, PhoneNumber
from citizens.normalise import name_normalise, postcode_normalise
from core.sequences import sequence_take

BATCH = 5000
TITLES = ["Mr", "Mrs", "Ms", "Miss", "Dr", "", "", "Mx"]
EMAIL_DOMAINS = ["example.com", "example.org", "example.net", "mail.example", "post.example"]


def _pools(ctx, size=4000):
    f = ctx.faker
    postcodes = []
    while len(postcodes) < size:
        try:
            postcodes.append(postcode_normalise(f.postcode()))
        except ValueError:
            continue
    return {
        "first": [f.first_name() for _ in range(size)],
        "last": [f.last_name() for _ in range(size)],
        "street": [f.street_name() for _ in range(size)],
        "town": [f.city() for _ in range(size // 4)],
        "postcode": postcodes,
    }


def citizen_reference(n: int) -> str:
    return f"C{n:07d}"


def seed(ctx):
    total = ctx.citizens
    if total <= 0:
        return
    pools = _pools(ctx)
    rng = ctx.rng
    refs = iter(sequence_take(name="citizen", count=total))
    now = timezone.now()
    today = date.today()
    created = 0
    while created < total:
        size = min(BATCH, total - created)
        with transaction.atomic():
            batch = []
            for _ in range(size):
                first = rng.choice(pools["first"])
                last = rng.choice(pools["last"])
                middle = rng.choice(pools["first"]) if rng.random() < 0.3 else ""
                dob = today - timedelta(days=rng.randint(17 * 365, 95 * 365))
                batch.append(
                    Citizen(
                        reference=citizen_reference(next(refs)),
                        title=rng.choice(TITLES),
                        first_name=first,
                        middle_names=middle,
                        last_name=last,
                        date_of_birth=dob if rng.random() < 0.92 else None,
                        preferred_channel=rng.choice(["email", "sms", "phone", "letter", ""]),
                        search_name=name_normalise(f"{first} {middle} {last}"),
                        search_last_name=name_normalise(last),
                    )
                )
            citizens = Citizen.objects.bulk_create(batch)
            addresses, emails, phones = [], [], []
            for c in citizens:
                postcode = rng.choice(pools["postcode"])
                addresses.append(
                    Address(
                        citizen=c,
                        line_1=f"{rng.randint(1, 240)} {rng.choice(pools['street'])}",
                        town=rng.choice(pools["town"]),
                        postcode=postcode,
                        postcode_compact=postcode.replace(" ", ""),
                        uprn=str(rng.randint(10_000_000, 99_999_999_999))
                        if rng.random() < 0.8
                        else "",
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
                        else f"+447{rng.randint(100000000, 999999999)}"
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
        created += size
        if total >= 50_000 and created % 50_000 < BATCH:
            ctx.log(f"  citizens: {created:,} of {total:,}")
    ctx.log(f"  citizens: {total:,} created")
