from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("citizens", "0004_search_name_order_indexes"),
    ]

    # ServiceAccount, SecurityAnswer and VerificationAttempt now belong to the verification
    # app (verification/migrations/0001_initial.py). Only Django's record of the models
    # changes: the tables, their rows and their constraints stay exactly as they are.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="serviceaccount",
                    name="citizen",
                ),
                migrations.RemoveField(
                    model_name="serviceaccount",
                    name="service_area",
                ),
                migrations.RemoveField(
                    model_name="verificationattempt",
                    name="service_account",
                ),
                migrations.RemoveField(
                    model_name="verificationattempt",
                    name="citizen",
                ),
                migrations.RemoveField(
                    model_name="verificationattempt",
                    name="contact",
                ),
                migrations.RemoveField(
                    model_name="verificationattempt",
                    name="staff",
                ),
                migrations.DeleteModel(
                    name="SecurityAnswer",
                ),
                migrations.DeleteModel(
                    name="ServiceAccount",
                ),
                migrations.DeleteModel(
                    name="VerificationAttempt",
                ),
            ],
            database_operations=[],
        ),
    ]
