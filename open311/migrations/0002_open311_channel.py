"""The "Open311 app" channel of origin, for councils already running (new ones get it from
seed_reference too)."""

from django.db import migrations


def add_channel(apps, schema_editor):
    Channel = apps.get_model("contacts", "Channel")
    Channel.objects.get_or_create(code="open311", defaults={"name": "Open311 app", "ordering": 70})


class Migration(migrations.Migration):
    dependencies = [
        ("open311", "0001_initial"),
        ("contacts", "0004_report_day_summary"),
    ]

    operations = [migrations.RunPython(add_channel, migrations.RunPython.noop)]
