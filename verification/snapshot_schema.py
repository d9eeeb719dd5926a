"""The snapshot schema: what back-office data a service account carries, per type.

Defined by the knowledge-base issue (#14) and kept here, beside `ServiceAccount.snapshot`, so
that every app that reads or writes snapshots can import it from below. A service account's
`snapshot` is a JSON object holding the latest figures of the back-office
record (balance, next payment, status…). This module is the one definition of its fields for
each service-account type (`council_tax`, `benefits`, `licence`, `housing_rent`):

- dynamic content blocks (faq) may use exactly these fields as ((placeholders));
- connectors (faq.connectors) turn what they receive into typed values with `snapshot_parse`;
- the integration API validates pushed data with `snapshot_validate` and documents it with
  `snapshot_json_schema`.

Stored form (JSON): money as a string with two decimals ("1234.50", negative for a credit),
dates as ISO "YYYY-MM-DD", statuses as one of the listed codes, text as a string. Unknown
fields are refused; fields not marked required may be left out or null.

Public API (keep stable — other apps build on it):
`SCHEMAS`, `schema_for(kind)`, `snapshot_validate(kind, data)` → clean JSON dict or
`SnapshotInvalid` (`.errors`: {field: plain message}), `snapshot_parse(kind, data)` → typed
values (Decimal, date, `Status`, str), `snapshot_json_schema(kind)`, `format_value(value)`.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.dateformat import format as date_format

MONEY = "money"
DATE = "date"
STATUS = "status"
TEXT = "text"
TYPES = (MONEY, DATE, STATUS, TEXT)
TEXT_MAX = 200
MONEY_MAX = Decimal("99999999.99")


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    type: str
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()  # (code, label) for STATUS
    help: str = ""

    def choice_label(self, code):
        return dict(self.choices).get(code, code)


@dataclass(frozen=True)
class Schema:
    kind: str
    label: str
    fields: tuple[Field, ...] = field(default_factory=tuple)

    def field(self, key) -> Field | None:
        return next((f for f in self.fields if f.key == key), None)

    @property
    def keys(self):
        return [f.key for f in self.fields]


@dataclass(frozen=True)
class Status:
    """A status value: its code (stored) and its label (shown)."""

    code: str
    label: str

    def __str__(self):
        return self.label


PAYMENT_METHODS = (
    ("direct_debit", "Direct Debit"),
    ("online", "Online or by phone"),
    ("standing_order", "Standing order"),
    ("cash", "Cash or PayPoint"),
)

SCHEMAS: dict[str, Schema] = {
    s.kind: s
    for s in (
        Schema(
            "council_tax",
            "Council tax account",
            (
                Field(
                    "band",
                    "Council tax band",
                    STATUS,
                    True,
                    tuple((b, f"Band {b}") for b in "ABCDEFGH"),
                ),
                Field("annual_charge", "Charge for this year", MONEY),
                Field("balance", "Balance owed", MONEY, True, help="Negative when in credit."),
                Field("next_instalment_amount", "Next instalment", MONEY),
                Field("next_instalment_date", "Next instalment due", DATE),
                Field("payment_method", "Payment method", STATUS, False, PAYMENT_METHODS),
                Field("discounts", "Discounts and exemptions", TEXT),
                Field(
                    "recovery_stage",
                    "Recovery stage",
                    STATUS,
                    False,
                    (
                        ("none", "None"),
                        ("reminder", "Reminder sent"),
                        ("final_notice", "Final notice sent"),
                        ("summons", "Summons issued"),
                        ("liability_order", "Liability order granted"),
                    ),
                ),
            ),
        ),
        Schema(
            "benefits",
            "Benefits claim",
            (
                Field(
                    "benefit",
                    "Benefit",
                    STATUS,
                    True,
                    (
                        ("housing_benefit", "Housing Benefit"),
                        ("council_tax_support", "Council Tax Support"),
                        ("discretionary_housing_payment", "Discretionary Housing Payment"),
                    ),
                ),
                Field(
                    "claim_status",
                    "Claim status",
                    STATUS,
                    True,
                    (
                        ("received", "Received, not yet assessed"),
                        ("awaiting_evidence", "Waiting for evidence from the claimant"),
                        ("under_review", "Being assessed"),
                        ("in_payment", "In payment"),
                        ("suspended", "Suspended"),
                        ("closed", "Closed"),
                    ),
                ),
                Field("weekly_amount", "Weekly award", MONEY),
                Field("next_payment_amount", "Next payment", MONEY),
                Field("next_payment_date", "Next payment date", DATE),
                Field("evidence_due_date", "Evidence needed by", DATE),
            ),
        ),
        Schema(
            "licence",
            "Licence",
            (
                Field(
                    "licence_type",
                    "Licence type",
                    STATUS,
                    True,
                    (
                        ("hackney_carriage_driver", "Hackney carriage driver"),
                        ("private_hire_driver", "Private hire driver"),
                        ("private_hire_vehicle", "Private hire vehicle"),
                        ("premises", "Premises licence"),
                        ("personal", "Personal licence"),
                        ("street_trading", "Street trading consent"),
                    ),
                ),
                Field(
                    "licence_status",
                    "Licence status",
                    STATUS,
                    True,
                    (
                        ("application_received", "Application received"),
                        ("active", "Active"),
                        ("renewal_due", "Renewal due"),
                        ("expired", "Expired"),
                        ("suspended", "Suspended"),
                        ("revoked", "Revoked"),
                    ),
                ),
                Field("expiry_date", "Expires on", DATE),
                Field("renewal_fee", "Renewal fee", MONEY),
            ),
        ),
        Schema(
            "housing_rent",
            "Housing rent account",
            (
                Field("weekly_rent", "Weekly rent", MONEY, True),
                Field("balance", "Arrears", MONEY, True, help="Negative when in credit."),
                Field("next_payment_date", "Next rent due", DATE),
                Field(
                    "tenancy_type",
                    "Tenancy",
                    STATUS,
                    False,
                    (
                        ("secure", "Secure"),
                        ("introductory", "Introductory"),
                        ("flexible", "Flexible (fixed term)"),
                        ("ended", "Ended"),
                    ),
                ),
            ),
        ),
    )
}


class SnapshotInvalid(ValueError):
    """The data does not match the schema; `errors` maps each field to a plain message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


def schema_for(kind: str) -> Schema | None:
    return SCHEMAS.get(kind)


def _money(value) -> Decimal:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, float):
        value = repr(value)
    amount = Decimal(str(value).strip())
    if (
        not amount.is_finite()
        or abs(amount) > MONEY_MAX
        or amount != amount.quantize(Decimal("0.01"))
    ):
        raise ValueError
    return amount.quantize(Decimal("0.01"))


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def _clean_value(f: Field, value):
    """(JSON value, typed value) for one field, or ValueError with a plain message."""
    if f.type == MONEY:
        try:
            amount = _money(value)
        except (InvalidOperation, ValueError, TypeError):
            raise ValueError(
                'Enter an amount in pounds with at most two decimals, like "123.45".'
            ) from None
        return f"{amount:.2f}", amount
    if f.type == DATE:
        try:
            day = _date(value)
        except (ValueError, TypeError):
            raise ValueError('Enter a date as YYYY-MM-DD, like "2026-12-01".') from None
        return day.isoformat(), day
    if f.type == STATUS:
        codes = [code for code, _label in f.choices]
        if value not in codes:
            raise ValueError(f"Use one of: {', '.join(codes)}.")
        return value, Status(value, f.choice_label(value))
    if not isinstance(value, str):
        raise ValueError("Enter text.")
    text = value.strip()
    if len(text) > TEXT_MAX:
        raise ValueError(f"Use at most {TEXT_MAX} characters.")
    return text, text


def _clean(kind: str, data) -> tuple[dict, dict]:
    schema = schema_for(kind)
    if schema is None:
        raise SnapshotInvalid({"kind": f"There is no snapshot schema for “{kind}”."})
    if not isinstance(data, dict):
        raise SnapshotInvalid({"snapshot": "The snapshot must be a JSON object."})
    errors, stored, typed = {}, {}, {}
    for key in data:
        if schema.field(key) is None:
            errors[key] = f"Unknown field for a {schema.label.lower()}."
    for f in schema.fields:
        value = data.get(f.key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if f.required:
                errors[f.key] = "This field is required."
            continue
        try:
            stored[f.key], typed[f.key] = _clean_value(f, value)
        except ValueError as exc:
            errors[f.key] = str(exc)
    if errors:
        raise SnapshotInvalid(errors)
    return stored, typed


def snapshot_validate(kind: str, data) -> dict:
    """The snapshot in its stored JSON form, or SnapshotInvalid listing every problem."""
    return _clean(kind, data)[0]


def snapshot_parse(kind: str, data) -> dict:
    """Typed values (Decimal, date, Status, str) of a snapshot; SnapshotInvalid if it is not
    valid. Fields left out are absent from the result."""
    return _clean(kind, data)[1]


def snapshot_json_schema(kind: str) -> dict:
    """A JSON Schema (draft 2020-12) of the stored form, for API documentation."""
    schema = SCHEMAS[kind]
    properties = {}
    for f in schema.fields:
        if f.type == MONEY:
            prop = {"type": "string", "pattern": r"^-?\d{1,8}\.\d{2}$"}
        elif f.type == DATE:
            prop = {"type": "string", "format": "date"}
        elif f.type == STATUS:
            prop = {"type": "string", "enum": [code for code, _ in f.choices]}
        else:
            prop = {"type": "string", "maxLength": TEXT_MAX}
        prop["title"] = f.label
        if f.help:
            prop["description"] = f.help
        if not f.required:
            prop = {**prop, "type": [prop["type"], "null"]}
            if "enum" in prop:
                prop["enum"] = [*prop["enum"], None]
        properties[f.key] = prop
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"{schema.label} snapshot",
        "type": "object",
        "properties": properties,
        "required": [f.key for f in schema.fields if f.required],
        "additionalProperties": False,
    }


def format_value(value) -> str:
    """How a typed value reads to a person: £1,234.50, 1 December 2026, the status label."""
    if isinstance(value, Decimal):
        sign = "-" if value < 0 else ""
        return f"{sign}£{abs(value):,.2f}"
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    return str(value)
