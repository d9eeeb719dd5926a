"""The "open311" channel is one residents use on their own: staff are not offered it."""

from django.db import migrations


def mark(apps, schema_editor):
    apps.get_model("contacts", "Channel").objects.filter(code="open311").update(self_service=True)


def unmark(apps, schema_editor):
    apps.get_model("contacts", "Channel").objects.filter(code="open311").update(self_service=False)


class Migration(migrations.Migration):
    dependencies = [
        ("open311", "0002_open311_channel"),
        ("contacts", "0006_i17_channel_self_service"),
    ]

    operations = [migrations.RunPython(mark, unmark)]
