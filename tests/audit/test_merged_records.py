"""A merge never repoints audit rows (each names the record actually viewed); the survivor's
audit trail and its subject access export follow the merge pointer to them."""

import pytest

from audit.models import AuditEvent
from audit.services import audit_record
from tests.factories import CitizenFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def row():
    audit_record(
        actor=StaffFactory(), action=AuditEvent.Action.VIEW, obj=CitizenFactory(), detail={}
    )
    return AuditEvent.objects.latest("id")


def test_after_a_merge_the_survivors_trail_and_export_include_the_merged_records_rows(
    row, team_leader
):
    from audit.selectors import audit_event_list
    from audit.subject_access.audit_exporter import export_audit
    from citizens.services import citizens_merge

    viewed = row.citizen
    survivor = CitizenFactory()
    citizens_merge(actor=team_leader, survivor=survivor, merged=viewed, reason="Same person")

    listed = audit_event_list(filters={"citizen": survivor.reference}).qs
    assert row in listed
    exported = export_audit(survivor).tables["Audit trail"]
    assert row.pk in [line["id"] for line in exported]
