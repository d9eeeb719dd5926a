"""The "online_form" channel is one residents use on their own: staff are not offered it."""

from django.db import migrations


def mark(apps, schema_editor):
    apps.get_model("contacts", "Channel").objects.filter(code="online_form").update(
        self_service=True
    )


def unmark(apps, schema_editor):
    apps.get_model("contacts", "Channel").objects.filter(code="online_form").update(
        self_service=False
    )


class Migration(migrations.Migration):
    dependencies = [
        ("forms_engine", "0002_reference_and_start_forms"),
        ("contacts", "0006_i17_channel_self_service"),
    ]

    operations = [migrations.RunPython(mark, unmark)]
