"""Demo service accounts linked to the demo citizens, with hashed security answers.

DEMO ONLY — how a tester can pass verification (answers are stored only as hashes and printed
nowhere): council tax — the account reference shown on the record, the postcode of the
citizen's current address, and a last payment of the reference's last three digits in pounds
(CT00012345 -> 345.00); benefits — the claim reference, National Insurance number QQ followed by
the reference's last six digits and C, and the citizen's date of birth; licence — the licence
number, the current postcode and the date of birth; housing rent — the account reference, the
current postcode and a weekly rent of the last two digits plus 60 pounds.

Snapshots follow `verification.snapshot_schema` (what dynamic content shows once verified).
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from citizens.models import Address, Citizen
from organisation.models import ServiceArea
from verification.answers import answer_hash, questions_for
from verification.models import SecurityAnswer, ServiceAccount

BATCH = 5000
SHARES = (("council_tax", 0.45), ("benefits", 0.1), ("licence", 0.04), ("housing_rent", 0.05))
PREFIXES = {"council_tax": "CT", "benefits": "BN", "licence": "LN", "housing_rent": "HR"}

KIND_AREAS = {
    "council_tax": "Council Tax",
    "benefits": "Benefits",
    "licence": "Licensing",
    "housing_rent": "Housing",
}


def _demo_answers(kind, reference, date_of_birth, postcode):
    digits = reference[2:]
    dob = date_of_birth.isoformat() if date_of_birth else "unknown"
    if kind == "council_tax":
        return {
            "account_reference": reference,
            "property_postcode": postcode,
            "last_payment": f"{int(digits[-3:])}.00",
        }
    if kind == "benefits":
        return {
            "claim_reference": reference,
            "ni_number": f"QQ{digits[-6:]}C",
            "date_of_birth": dob,
        }
    if kind == "licence":
        return {"licence_number": reference, "postcode": postcode, "date_of_birth": dob}
    return {
        "rent_account": reference,
        "property_postcode": postcode,
        "weekly_rent": f"{int(digits[-2:]) + 60}.00",
    }


def _next_month_first(today, months=1):
    year, month = divmod(today.month - 1 + months, 12)
    return today.replace(year=today.year + year, month=month + 1, day=1)


def demo_snapshot(kind, digits, rng, *, today):
    """Back-office figures in the snapshot schema's stored form (verification.snapshot_schema)."""
    if kind == "council_tax":
        annual = rng.randint(110000, 320000)
        return {
            "band": rng.choice("ABCDEFG"),
            "annual_charge": f"{annual / 100:.2f}",
            "balance": f"{rng.randint(0, annual) / 100:.2f}",
            "next_instalment_amount": f"{annual / 1000:.2f}",
            "next_instalment_date": _next_month_first(today).isoformat(),
            "payment_method": rng.choice(["direct_debit", "direct_debit", "online", "cash"]),
            "discounts": rng.choice(
                ["", "", "Single person discount (25%)", "Council Tax Support"]
            ),
            "recovery_stage": rng.choice(["none"] * 8 + ["reminder", "final_notice"]),
        }
    if kind == "benefits":
        weekly = rng.randint(2000, 12000)
        status = rng.choice(["in_payment"] * 4 + ["awaiting_evidence", "under_review"])
        snapshot = {
            "benefit": rng.choice(["housing_benefit", "council_tax_support"]),
            "claim_status": status,
            "weekly_amount": f"{weekly / 100:.2f}",
        }
        if status == "in_payment":
            snapshot["next_payment_amount"] = f"{weekly * 2 / 100:.2f}"
            snapshot["next_payment_date"] = (
                today + timedelta(days=rng.randint(1, 14))
            ).isoformat()
        else:
            snapshot["evidence_due_date"] = (
                today + timedelta(days=rng.randint(3, 28))
            ).isoformat()
        return snapshot
    if kind == "licence":
        return {
            "licence_type": rng.choice(
                ["hackney_carriage_driver", "private_hire_driver", "personal", "premises"]
            ),
            "licence_status": rng.choice(["active"] * 5 + ["renewal_due", "expired"]),
            "expiry_date": (today + timedelta(days=rng.randint(-30, 900))).isoformat(),
            "renewal_fee": rng.choice(["245.00", "37.00", "180.00"]),
        }
    return {
        "weekly_rent": f"{int(digits[-2:]) + 60}.00",
        "balance": f"{rng.randint(0, 90000) / 100:.2f}",
        "next_payment_date": (today + timedelta(days=(7 - today.weekday()) % 7 or 7)).isoformat(),
        "tenancy_type": rng.choice(["secure", "secure", "introductory", "flexible"]),
    }


def seed(ctx):
    rng = ctx.rng
    now = timezone.now()
    areas = {a.name: a for a in ServiceArea.objects.all()}
    # Citizens seeded in this run have no accounts yet (seed_demo --force adds to old data).
    citizens = (
        Citizen.objects.filter(service_accounts__isnull=True)
        .order_by("pk")
        .values_list("pk", "date_of_birth")
    )
    total = 0
    last_pk = 0
    while True:
        batch = list(citizens.filter(pk__gt=last_pk)[:BATCH])
        if not batch:
            break
        last_pk = batch[-1][0]
        postcode_of = dict(
            Address.objects.filter(
                citizen_id__in=[pk for pk, _dob in batch], is_current=True
            ).values_list("citizen_id", "postcode")
        )
        accounts, pending_answers = [], []
        for pk, dob in batch:
            for kind, share in SHARES:
                if rng.random() >= share or KIND_AREAS[kind] not in areas:
                    continue
                digits = f"{pk:08d}"
                prefix = PREFIXES[kind]
                reference = f"{prefix}{digits}"
                account = ServiceAccount(
                    citizen_id=pk,
                    kind=kind,
                    service_area=areas[KIND_AREAS[kind]],
                    reference=reference,
                    reference_compact=reference,
                    snapshot=demo_snapshot(kind, digits, rng, today=now.date()),
                    last_synced_at=now - timedelta(hours=rng.randint(1, 72)),
                )
                accounts.append(account)
                answers = _demo_answers(kind, reference, dob, postcode_of.get(pk, ""))
                pending_answers.append((account, answers))
        with transaction.atomic():
            ServiceAccount.objects.bulk_create(accounts)
            SecurityAnswer.objects.bulk_create(
                [
                    SecurityAnswer(
                        service_account=account,
                        question=question.key,
                        answer_hash=answer_hash(question, values[question.key]),
                    )
                    for account, values in pending_answers
                    for question in questions_for(account.kind)
                ]
            )
        total += len(accounts)
    ctx.log(f"  verification: {total:,} service accounts linked")
