"""The verification app's part of a subject access export: the accounts linked to the citizen
(and to records merged into theirs), the security questions held but never the answers, and
every identity check."""

from audit.subject_access.registry import Exporter, Section, record, register
from citizens.models import Citizen
from verification.models import ServiceAccount, VerificationAttempt


def export_verification(citizen) -> Section:
    people = [
        citizen.pk,
        *Citizen.objects.filter(merged_into=citizen).values_list("pk", flat=True),
    ]
    accounts = ServiceAccount.objects.filter(citizen__in=people).prefetch_related("answers")
    section = Section(title="Linked service accounts and identity checks")
    section.tables["Linked service accounts"] = [
        record(
            a,
            exclude={"reference_compact"},
            extra={"security_questions_held": sorted(ans.question for ans in a.answers.all())},
        )
        for a in accounts
    ]
    section.tables["Identity checks (verification attempts)"] = [
        record(v)
        for v in VerificationAttempt.objects.filter(citizen__in=people).order_by("created_at")
    ]
    return section


register(
    Exporter(
        app_label="verification",
        title="Linked service accounts and identity checks",
        models=("verification.serviceaccount", "verification.verificationattempt"),
        export=export_verification,
        order=15,
    )
)
