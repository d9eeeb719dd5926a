"""The "information sent" outcome (knowledge base: an article sent to the citizen) for databases
seeded before it existed. seed_reference creates it on new ones."""

from django.db import migrations


def add_outcome(apps, schema_editor):
    Outcome = apps.get_model("contacts", "Outcome")
    if Outcome.objects.filter(code="information_sent").exists():
        return
    # Only where the reference data was seeded: a fresh database gets it from seed_reference.
    if not Outcome.objects.exists():
        return
    Outcome.objects.create(code="information_sent", name="Information sent", ordering=55)


def remove_outcome(apps, schema_editor):
    Outcome = apps.get_model("contacts", "Outcome")
    Contact = apps.get_model("contacts", "Contact")
    outcome = Outcome.objects.filter(code="information_sent").first()
    if outcome is not None and not Contact.objects.filter(outcome=outcome).exists():
        outcome.delete()


class Migration(migrations.Migration):
    dependencies = [("contacts", "0004_report_day_summary")]

    operations = [migrations.RunPython(add_outcome, remove_outcome)]
