"""Client systems that write keep working every area's requests: a member of staff with no
service area now works none (requests_tracking.0008), so systems (which have no areas) are
given `work_any_area` explicitly, as `integration.services.WRITE_PERMISSIONS` does from now on.
"""

from django.db import migrations


def grant(apps, schema_editor):
    ClientSystem = apps.get_model("integration", "ClientSystem")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="requests_tracking", model="request"
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="work_any_area",
        defaults={"name": "Can work requests of every service area when given none"},
    )
    for system in ClientSystem.objects.filter(access="read_write").select_related("user"):
        system.user.user_permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("integration", "0004_webhookattempt_citizen_id"),
        ("requests_tracking", "0008_i11a_one_open_visit"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
