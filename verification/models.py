"""Service accounts linked to citizens, their hashed security answers, and verification.

The tables were created by the citizens app and kept their names when the models moved here
(`db_table`), so no row was copied; see migrations/0001_initial.py.
"""

from django.conf import settings
from django.db import models


class ServiceAccount(models.Model):
    """A link from a citizen to a back-office record: council tax account, benefit claim…"""

    class Kind(models.TextChoices):
        COUNCIL_TAX = "council_tax", "Council tax account"
        BENEFITS = "benefits", "Benefits claim"
        LICENCE = "licence", "Licence"
        HOUSING_RENT = "housing_rent", "Housing rent account"

    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.CASCADE, related_name="service_accounts"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    service_area = models.ForeignKey(
        "organisation.ServiceArea", on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField("External reference", max_length=40)
    # Upper case, no spaces or punctuation: what quick search matches against.
    reference_compact = models.CharField(max_length=40, editable=False, db_index=True)
    description = models.CharField(max_length=200, blank=True)
    snapshot = models.JSONField(
        default=dict, blank=True, help_text="Back-office data: balance, next instalment, status…"
    )
    last_synced_at = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)
    # Verification lockout state, changed only by verification.services.verification_attempt.
    failed_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "citizens_serviceaccount"
        ordering = ["kind", "reference"]
        permissions = [("verify_serviceaccount", "Can verify a citizen against a service account")]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "reference_compact"], name="service_account_unique_ref"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.reference}"


class SecurityQuestion(models.Model):
    """A security question asked for one type of service account, configured in admin.

    Stored answers belong to the question's `key`: rewording the label or hint keeps them;
    changing the answer type (which chooses how answers are normalised before hashing) or
    removing the question marks them as needing to be captured again."""

    class AnswerType(models.TextChoices):
        REFERENCE = "reference", "Reference or number (spaces, dashes and case ignored)"
        POSTCODE = "postcode", "Postcode"
        DATE = "date", "Date"
        AMOUNT = "amount", "Amount of money"
        TEXT = "text", "Free text (case and extra spaces ignored)"

    kind = models.CharField(
        "Service account type", max_length=20, choices=ServiceAccount.Kind.choices
    )
    key = models.SlugField(
        max_length=40,
        help_text="Fixed once saved: stored answers belong to it, whatever the wording.",
    )
    label = models.CharField("Question", max_length=200)
    hint = models.CharField(max_length=200, blank=True)
    answer_type = models.CharField(
        max_length=12,
        choices=AnswerType.choices,
        help_text="How answers are compared. Changing it means every stored answer to this "
        "question must be captured again.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["kind", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="one_question_key_per_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.label}"


class SecurityAnswer(models.Model):
    """One stored answer to a service's security question, as a salted keyed hash only."""

    service_account = models.ForeignKey(
        ServiceAccount, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.CharField(max_length=40)
    answer_hash = models.CharField(max_length=200)
    # Set when its question's answer type changed or the question was removed: the hash was
    # made with another normalisation, so it cannot be checked until captured again.
    needs_recapture = models.BooleanField(default=False)

    class Meta:
        db_table = "citizens_securityanswer"
        constraints = [
            models.UniqueConstraint(
                fields=["service_account", "question"], name="one_answer_per_question"
            )
        ]

    def __str__(self):
        return f"{self.service_account}: {self.question}"


class VerificationAttempt(models.Model):
    class Result(models.TextChoices):
        PASS = "pass", "Passed"
        FAIL = "fail", "Failed"
        LOCKED = "locked", "Refused: verification locked"

    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.PROTECT, related_name="verification_attempts"
    )
    service_account = models.ForeignKey(
        ServiceAccount, on_delete=models.CASCADE, related_name="verification_attempts"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="verification_attempts",
    )
    result = models.CharField(max_length=10, choices=Result.choices)
    # Which questions were answered wrongly (names only, never the answers); always empty
    # unless settings.VERIFICATION_REVEAL_WRONG_ANSWERS is on.
    failed_questions = models.JSONField(default=list, blank=True)
    # For a pass made outside any contact: when it stops counting.
    valid_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "citizens_verificationattempt"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["service_account", "result", "-created_at"], name="verif_account_idx"
            )
        ]

    def __str__(self):
        return f"{self.service_account}: {self.get_result_display()}"
