"""The "Online form" channel of origin and the starting portals; and the move of
`Process.start_forms` (slugs of the forms that start a process) onto the forms themselves: each
slug named by a process becomes a form (unpublished, with no pages yet, unless it exists) whose
`process_code` is that process's code, so administrators see which forms to build."""

from django.db import migrations

PORTALS = [
    ("citizen", "Citizen portal", "public", "Forms residents fill in on the council's website."),
    (
        "contact-centre",
        "Contact centre – internal",
        "staff",
        "Forms only staff use, on a resident's behalf or for the council's own records.",
    ),
    ("reception", "Reception", "staff", "Forms for the reception desks."),
]


def forwards(apps, schema_editor):
    Channel = apps.get_model("contacts", "Channel")
    Portal = apps.get_model("forms_engine", "Portal")
    Form = apps.get_model("forms_engine", "Form")
    Process = apps.get_model("requests_tracking", "Process")
    Channel.objects.get_or_create(
        code="online_form", defaults={"name": "Online form", "ordering": 70}
    )
    for slug, name, kind, description in PORTALS:
        Portal.objects.get_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "description": description}
        )
    for process in Process.objects.filter(is_current=True).exclude(start_forms=""):
        for slug in (s.strip() for s in process.start_forms.split(",")):
            if not slug:
                continue
            form, created = Form.objects.get_or_create(
                slug=slug[:80],
                defaults={
                    "name": slug.replace("-", " ").capitalize()[:150],
                    "service_area_id": process.service_area_id,
                    "process_code": process.code,
                    "active": False,
                },
            )
            if not created and not form.process_code:
                form.process_code = process.code
                form.save(update_fields=["process_code"])


def backwards(apps, schema_editor):
    Process = apps.get_model("requests_tracking", "Process")
    Form = apps.get_model("forms_engine", "Form")
    for process in Process.objects.filter(is_current=True):
        slugs = Form.objects.filter(process_code=process.code).values_list("slug", flat=True)
        process.start_forms = ",".join(slugs)[:300]
        process.save(update_fields=["start_forms"])


class Migration(migrations.Migration):
    dependencies = [
        ("forms_engine", "0001_initial"),
        ("contacts", "0004_report_day_summary"),
        ("requests_tracking", "0002_follower_email"),
    ]
    run_before = [("requests_tracking", "0005_remove_process_start_forms")]

    operations = [migrations.RunPython(forwards, backwards)]
