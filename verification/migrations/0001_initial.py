"""The verification app takes over three models from citizens without moving any data.

The tables keep their names (`db_table`), so the state operations below only tell Django the
models now live here. Content types are renamed in place, so the permissions attached to them
(and the roles and people holding those permissions) keep their rows; audit rows written
before the move keep their old object type "citizens.serviceaccount" (the audit trail is
append-only) and timeline entries keep their keys.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ("serviceaccount", "securityanswer", "verificationattempt")


def _relabel(apps, old, new):
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if content_type.objects.filter(app_label=new, model=model).exists():
            continue  # already there (created by a post_migrate before this ran): leave it
        content_type.objects.filter(app_label=old, model=model).update(app_label=new)


def content_types_move(apps, schema_editor):
    _relabel(apps, "citizens", "verification")


def content_types_move_back(apps, schema_editor):
    _relabel(apps, "verification", "citizens")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("citizens", "0005_verification_moved_out"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("contacts", "0004_report_day_summary"),
        ("organisation", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ServiceAccount",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("council_tax", "Council tax account"),
                                    ("benefits", "Benefits claim"),
                                    ("licence", "Licence"),
                                    ("housing_rent", "Housing rent account"),
                                ],
                                max_length=20,
                            ),
                        ),
                        (
                            "reference",
                            models.CharField(max_length=40, verbose_name="External reference"),
                        ),
                        (
                            "reference_compact",
                            models.CharField(db_index=True, editable=False, max_length=40),
                        ),
                        ("description", models.CharField(blank=True, max_length=200)),
                        (
                            "snapshot",
                            models.JSONField(
                                blank=True,
                                default=dict,
                                help_text="Back-office data: balance, next instalment, status…",
                            ),
                        ),
                        ("last_synced_at", models.DateTimeField(blank=True, null=True)),
                        ("active", models.BooleanField(default=True)),
                        (
                            "failed_attempts",
                            models.PositiveSmallIntegerField(default=0, editable=False),
                        ),
                        (
                            "locked_until",
                            models.DateTimeField(blank=True, editable=False, null=True),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "citizen",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="service_accounts",
                                to="citizens.citizen",
                            ),
                        ),
                        (
                            "service_area",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="organisation.servicearea",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "citizens_serviceaccount",
                        "ordering": ["kind", "reference"],
                        "permissions": [
                            (
                                "verify_serviceaccount",
                                "Can verify a citizen against a service account",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="SecurityAnswer",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("question", models.CharField(max_length=40)),
                        ("answer_hash", models.CharField(max_length=200)),
                        (
                            "service_account",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="answers",
                                to="verification.serviceaccount",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "citizens_securityanswer",
                    },
                ),
                migrations.CreateModel(
                    name="VerificationAttempt",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "result",
                            models.CharField(
                                choices=[
                                    ("pass", "Passed"),
                                    ("fail", "Failed"),
                                    ("locked", "Refused: verification locked"),
                                ],
                                max_length=10,
                            ),
                        ),
                        ("failed_questions", models.JSONField(blank=True, default=list)),
                        ("valid_until", models.DateTimeField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        (
                            "citizen",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="verification_attempts",
                                to="citizens.citizen",
                            ),
                        ),
                        (
                            "contact",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="verification_attempts",
                                to="contacts.contact",
                            ),
                        ),
                        (
                            "service_account",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="verification_attempts",
                                to="verification.serviceaccount",
                            ),
                        ),
                        (
                            "staff",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "citizens_verificationattempt",
                        "ordering": ["-created_at", "-id"],
                    },
                ),
                migrations.AddConstraint(
                    model_name="serviceaccount",
                    constraint=models.UniqueConstraint(
                        fields=("kind", "reference_compact"), name="service_account_unique_ref"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="securityanswer",
                    constraint=models.UniqueConstraint(
                        fields=("service_account", "question"), name="one_answer_per_question"
                    ),
                ),
                migrations.AddIndex(
                    model_name="verificationattempt",
                    index=models.Index(
                        fields=["service_account", "result", "-created_at"],
                        name="verif_account_idx",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_move, content_types_move_back),
    ]
