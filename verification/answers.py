"""Security questions per kind of service account (configured in admin: `SecurityQuestion`),
and how answers are normalised — chosen by each question's answer type — and hashed.

Answers are kept only as `hmac-sha256$<salt>$<digest>` of the normalised answer, keyed with
`settings.SECURITY_ANSWER_KEY` (a pepper kept outside the database) and salted per answer, so a
copy of the database alone reveals nothing and equal answers do not look equal. Never log,
print or show an answer.
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings

from citizens.normalise import postcode_compact, reference_compact

HASH_PREFIX = "hmac-sha256"


def normalise_text(value: str) -> str:
    return re.sub(r"\s+", " ", (value or "").strip().lower())


def normalise_money(value: str) -> str:
    cleaned = re.sub(r"[£,\s]|gbp|pounds?", "", (value or "").strip().lower())
    try:
        return str(Decimal(cleaned).quantize(Decimal("0.01")))
    except (InvalidOperation, ValueError):
        return normalise_text(value)


def normalise_date(value: str) -> str:
    text = (value or "").strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d %m %Y", "%d%m%Y"):
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return normalise_text(value)


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    hint: str
    answer_type: str

    @property
    def normalise(self):
        return NORMALISERS.get(self.answer_type, normalise_text)


# The answer type chooses how an answer is normalised before hashing (SecurityQuestion).
NORMALISERS = {
    "reference": reference_compact,
    "postcode": postcode_compact,
    "date": normalise_date,
    "amount": normalise_money,
    "text": normalise_text,
}

# The questions used until an administrator configures any (and seeded by migration 0003 and
# `seed_reference`): (key, label, hint, answer type).
DEFAULT_QUESTIONS: dict[str, list[tuple[str, str, str, str]]] = {
    "council_tax": [
        ("account_reference", "Council tax account reference", "", "reference"),
        ("property_postcode", "Postcode of the property", "", "postcode"),
        ("last_payment", "Amount of the last payment", "For example, 123.45", "amount"),
    ],
    "benefits": [
        ("claim_reference", "Claim reference", "", "reference"),
        ("ni_number", "National Insurance number", "For example, QQ 12 34 56 C", "reference"),
        ("date_of_birth", "Date of birth", "For example, 27/03/1985", "date"),
    ],
    "licence": [
        ("licence_number", "Licence number", "", "reference"),
        ("postcode", "Postcode on the licence", "", "postcode"),
        ("date_of_birth", "Date of birth", "For example, 27/03/1985", "date"),
    ],
    "housing_rent": [
        ("rent_account", "Rent account reference", "", "reference"),
        ("property_postcode", "Postcode of the property", "", "postcode"),
        ("weekly_rent", "Weekly rent amount", "For example, 95.50", "amount"),
    ],
}


def questions_for(kind: str) -> list[Question]:
    """The questions asked for this type of account, in order, as configured in admin (the
    defaults only while no question of any type is configured)."""
    from verification.models import SecurityQuestion

    rows = list(
        SecurityQuestion.objects.filter(kind=kind).values_list(
            "key", "label", "hint", "answer_type"
        )
    )
    if not rows and not SecurityQuestion.objects.exists():
        rows = DEFAULT_QUESTIONS.get(kind, [])
    return [Question(*row) for row in rows]


def _key() -> bytes:
    return settings.SECURITY_ANSWER_KEY.encode()


def answer_hash(question: Question, answer: str, *, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(8)
    digest = hmac.new(
        _key(), f"{salt}${question.normalise(answer)}".encode(), hashlib.sha256
    ).hexdigest()
    return f"{HASH_PREFIX}${salt}${digest}"


def answer_matches(question: Question, answer: str, stored: str) -> bool:
    try:
        prefix, salt, _digest = stored.split("$", 2)
    except ValueError:
        return False
    if prefix != HASH_PREFIX or not (answer or "").strip():
        return False
    return hmac.compare_digest(answer_hash(question, answer, salt=salt), stored)
