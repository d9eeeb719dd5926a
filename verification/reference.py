"""The security questions a council starts with (administrators change them in Django admin)."""

from verification.answers import DEFAULT_QUESTIONS
from verification.models import SecurityQuestion


def seed():
    # Only into an empty table: once questions are configured, administrators own them.
    if SecurityQuestion.objects.exists():
        return
    SecurityQuestion.objects.bulk_create(
        SecurityQuestion(
            kind=kind, key=key, label=label, hint=hint, answer_type=answer_type, position=n
        )
        for kind, rows in DEFAULT_QUESTIONS.items()
        for n, (key, label, hint, answer_type) in enumerate(rows)
    )
