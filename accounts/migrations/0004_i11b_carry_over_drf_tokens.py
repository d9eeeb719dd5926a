"""Carry the old plain-text DRF tokens over as hashed API tokens, so existing clients keep
working; the old table is emptied (rest_framework.authtoken is no longer installed, so its
table is read by name, if it exists)."""

import hashlib

from django.db import migrations

OLD_TABLE = "authtoken_token"


def carry_over(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    quoted = schema_editor.quote_name(OLD_TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id, created FROM {quoted}")  # noqa: S608
        rows = cursor.fetchall()
    for key, user_id, created in rows:
        if ApiToken.objects.filter(prefix=key[:12]).exists():
            continue
        token = ApiToken.objects.create(
            owner_id=user_id,
            name="Carried over from the old API token",
            prefix=key[:12],
            secret_hash=hashlib.sha256(key.encode()).hexdigest(),
        )
        ApiToken.objects.filter(pk=token.pk).update(created_at=created)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {quoted}")  # noqa: S608  (no plain-text keys left behind)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_i11b_api_tokens")]

    operations = [migrations.RunPython(carry_over, migrations.RunPython.noop)]
