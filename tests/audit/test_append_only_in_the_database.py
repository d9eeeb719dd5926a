"""On PostgreSQL the audit table itself refuses UPDATE and DELETE (a trigger), so raw SQL, a
shell or another program cannot rewrite the trail; merging citizens does not need to."""

import pytest
from django.db import IntegrityError, connection, transaction

from audit.models import AuditEvent
from audit.services import audit_record
from tests.factories import CitizenFactory, StaffFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the trigger is PostgreSQL's (SQLite: model)"
    ),
]


@pytest.fixture
def row():
    audit_record(
        actor=StaffFactory(), action=AuditEvent.Action.VIEW, obj=CitizenFactory(), detail={}
    )
    return AuditEvent.objects.latest("id")


def raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_a_raw_update_is_refused(row):
    with pytest.raises(IntegrityError, match="append-only: UPDATE"):
        raw("UPDATE audit_auditevent SET action = 'search' WHERE id = %s", [row.pk])
    with pytest.raises(IntegrityError, match="append-only: UPDATE"):
        raw("UPDATE audit_auditevent SET citizen_id = NULL WHERE id = %s", [row.pk])
    row.refresh_from_db()
    assert row.action == AuditEvent.Action.VIEW
    assert row.citizen_id is not None


def test_a_raw_delete_is_refused(row):
    with pytest.raises(IntegrityError, match="append-only: DELETE"):
        raw("DELETE FROM audit_auditevent WHERE id = %s", [row.pk])
    assert AuditEvent.objects.filter(pk=row.pk).exists()


def test_new_rows_are_still_written(row):
    raw(
        "INSERT INTO audit_auditevent (occurred_at, action, object_type, object_id, "
        "object_repr, detail, actor_kind, actor_label) "
        "VALUES (now(), 'view', '', '', '', '{}', 'system', '')",
        [],
    )
    assert AuditEvent.objects.count() == 2


def test_merging_citizens_leaves_audit_rows_where_they_were(row, team_leader):
    from citizens.services import citizens_merge

    viewed = row.citizen
    survivor = CitizenFactory()
    citizens_merge(actor=team_leader, survivor=survivor, merged=viewed, reason="Same person")
    row.refresh_from_db()
    assert row.citizen_id == viewed.pk  # the record that was actually viewed
