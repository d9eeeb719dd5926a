"""The free-text demo snapshots made before the snapshot schema are moved to its stored form."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from verification.snapshot_schema import snapshot_validate

BEFORE = [("verification", "0001_initial")]
AFTER = [("verification", "0002_snapshots_to_schema")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets, at_end=True).apps


@pytest.mark.django_db(transaction=True)
def test_old_demo_snapshots_move_to_the_schema_and_others_are_left_alone():
    old = _migrate(BEFORE)
    area = old.get_model("organisation", "ServiceArea").objects.create(
        name="Area (snapshot migration)", slug="area-snapshot-migration"
    )
    citizen = old.get_model("citizens", "Citizen").objects.create(
        reference="C7100001", last_name="Snapshot"
    )
    account_model = old.get_model("verification", "ServiceAccount")

    def account(kind, ref, snapshot):
        return account_model.objects.create(
            citizen=citizen,
            kind=kind,
            service_area=area,
            reference=ref,
            reference_compact=ref,
            snapshot=snapshot,
        )

    council_tax = account(
        "council_tax",
        "CT71000001",
        {
            "Band": "C",
            "Balance": "£1,234.56",
            "Next instalment": "£123.45 on 1st of next month",
            "Payment method": "Direct Debit",
        },
    )
    benefits = account(
        "benefits",
        "BN71000001",
        {
            "Claim status": "Awaiting evidence",
            "Benefit": "Council Tax Support",
        },
    )
    rent = account("housing_rent", "HR71000001", {"Weekly rent": "£95.00", "Arrears": "£0.00"})
    already = account("housing_rent", "HR71000002", {"weekly_rent": "80.00", "balance": "1.00"})
    unknown = account("council_tax", "CT71000002", {"Balance": "£5.00", "Colour": "blue"})

    _migrate(AFTER)
    from verification.models import ServiceAccount

    today = datetime.date.today()
    first = datetime.date(today.year + today.month // 12, today.month % 12 + 1, 1)
    got = ServiceAccount.objects.get(pk=council_tax.pk).snapshot
    assert got == {
        "band": "C",
        "balance": "1234.56",
        "next_instalment_amount": "123.45",
        "next_instalment_date": first.isoformat(),
        "payment_method": "direct_debit",
    }
    assert snapshot_validate("council_tax", got) == got
    got = ServiceAccount.objects.get(pk=benefits.pk).snapshot
    assert got == {"claim_status": "awaiting_evidence", "benefit": "council_tax_support"}
    assert snapshot_validate("benefits", got) == got
    assert ServiceAccount.objects.get(pk=rent.pk).snapshot == {
        "weekly_rent": "95.00",
        "balance": "0.00",
    }
    assert ServiceAccount.objects.get(pk=already.pk).snapshot == {
        "weekly_rent": "80.00",
        "balance": "1.00",
    }
    assert ServiceAccount.objects.get(pk=unknown.pk).snapshot == {
        "Balance": "£5.00",
        "Colour": "blue",
    }


def test_demo_snapshots_follow_the_schema():
    import random

    from verification.demo import demo_snapshot

    rng = random.Random(1)
    for kind in ("council_tax", "benefits", "licence", "housing_rent"):
        for _ in range(50):
            data = demo_snapshot(kind, "00012345", rng, today=datetime.date(2026, 12, 31))
            assert snapshot_validate(kind, data)
