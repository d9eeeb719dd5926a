# Which online forms start a process now lives on the form (forms_engine.Form.process_code);
# forms_engine's migration 0002 moves the old values across before this one runs.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("requests_tracking", "0004_breaches_recorded"),
    ]

    operations = [
        migrations.RemoveField(model_name="process", name="start_forms"),
    ]
