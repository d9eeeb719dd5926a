"""Move the free-text snapshots of the old demo data to the snapshot schema's stored form.

Before the schema (verification/snapshot_schema.py) the demo stored display strings such as
{"Band": "C", "Balance": "£1,234.56", "Next instalment": "£123.45 on 1st of next month",
"Payment method": "Direct Debit"}. Each such snapshot is rewritten field by field
({"band": "C", "balance": "1234.56", "next_instalment_amount": "123.45",
"next_instalment_date": <the 1st of next month>, "payment_method": "direct_debit"}); a
snapshot already in the schema's form, or with anything this migration does not recognise, is
left exactly as it was (dynamic content then says "not available" and logs why). The mapping is
frozen here so that later changes to the schema do not change what this migration did.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.db import migrations

STATUS_CODES = {
    "direct debit": "direct_debit",
    "online": "online",
    "cash": "cash",
    "standing order": "standing_order",
    "in payment": "in_payment",
    "awaiting evidence": "awaiting_evidence",
    "under review": "under_review",
    "housing benefit": "housing_benefit",
    "council tax support": "council_tax_support",
}
FIELDS = {
    "council_tax": {
        "band": ("band", "band"),
        "balance": ("balance", "money"),
        "next instalment": ("next_instalment", "instalment"),
        "payment method": ("payment_method", "status"),
    },
    "benefits": {
        "claim status": ("claim_status", "status"),
        "benefit": ("benefit", "status"),
    },
    "housing_rent": {
        "weekly rent": ("weekly_rent", "money"),
        "arrears": ("balance", "money"),
    },
}


def _money(text):
    cleaned = re.sub(r"[£,\s]", "", str(text))
    try:
        return f"{Decimal(cleaned).quantize(Decimal('0.01')):.2f}"
    except (InvalidOperation, ValueError):
        return None


def _first_of_next_month(today):
    return datetime.date(today.year + today.month // 12, today.month % 12 + 1, 1)


def convert(kind, snapshot, today):
    """The snapshot in the schema's form, or None when it cannot be converted as a whole."""
    fields = FIELDS.get(kind)
    if not fields or not isinstance(snapshot, dict) or not snapshot:
        return None
    out = {}
    for key, value in snapshot.items():
        spec = fields.get(str(key).strip().lower())
        if spec is None:
            return None
        name, how = spec
        if how == "money":
            out[name] = _money(value)
        elif how == "band":
            band = str(value).strip().upper()
            out[name] = band if len(band) == 1 and band in "ABCDEFGH" else None
        elif how == "status":
            out[name] = STATUS_CODES.get(str(value).strip().lower())
        elif how == "instalment":
            match = re.match(r"\s*(£?[\d,]+(?:\.\d+)?)\s+on\s+1st of next month\s*$", str(value))
            if not match:
                return None
            out["next_instalment_amount"] = _money(match.group(1))
            out["next_instalment_date"] = _first_of_next_month(today).isoformat()
        if any(v is None for v in out.values()):
            return None
    return out


def forwards(apps, schema_editor):
    ServiceAccount = apps.get_model("verification", "ServiceAccount")
    today = datetime.date.today()
    batch = []
    for account in ServiceAccount.objects.only("pk", "kind", "snapshot").iterator(chunk_size=2000):
        converted = convert(account.kind, account.snapshot, today)
        if converted is not None:
            account.snapshot = converted
            batch.append(account)
        if len(batch) >= 2000:
            ServiceAccount.objects.bulk_update(batch, ["snapshot"])
            batch = []
    if batch:
        ServiceAccount.objects.bulk_update(batch, ["snapshot"])


class Migration(migrations.Migration):
    dependencies = [("verification", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
