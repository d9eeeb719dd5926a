"""The audit trail refuses UPDATE and DELETE in the database itself (PostgreSQL), not only in
the model: a raw query, a shell or another program cannot rewrite or remove audit rows either.

Nothing legitimate changes audit rows: merging citizens leaves them pointing at the record that
was actually viewed (citizens.services.MERGE_SKIP), their foreign keys are PROTECT (a citizen or
member of staff with audit rows cannot be deleted), and old object-type names are mapped when
read (`AuditEvent.current_object_type`). TRUNCATE (emptying a test or benchmark database) is not
a row operation and is not refused; the application's database role should not own the table.
On SQLite this migration does nothing (the model and queryset still refuse)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The audit trail is append-only: % of audit_auditevent rows is refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_auditevent_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_i10_actor_kind")]

    operations = [migrations.RunPython(create, drop)]
