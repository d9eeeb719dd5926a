"""Forget which answers earlier failed attempts got wrong, unless the council reveals them
(VERIFICATION_REVEAL_WRONG_ANSWERS): from now on they are not stored either."""

from django.conf import settings
from django.db import migrations


def forget(apps, schema_editor):
    if getattr(settings, "VERIFICATION_REVEAL_WRONG_ANSWERS", False):
        return
    attempts = apps.get_model("verification", "VerificationAttempt")
    attempts.objects.exclude(failed_questions=[]).update(failed_questions=[])


class Migration(migrations.Migration):
    dependencies = [("verification", "0002_snapshots_to_schema")]

    operations = [migrations.RunPython(forget, migrations.RunPython.noop)]
