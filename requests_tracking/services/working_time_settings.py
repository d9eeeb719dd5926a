"""Administrators choose which nation's bank holidays SLAs skip."""

from django.db import transaction

from audit.models import AuditEvent
from audit.services import audit_record
from requests_tracking.models import WorkingTimeSettings
from requests_tracking.working_time import bank_holiday_nation_forget


@transaction.atomic
def working_time_settings_save(*, actor, row: WorkingTimeSettings) -> WorkingTimeSettings:
    created = row.pk is None
    row.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
        obj=row,
        detail={"bank_holiday_nation": row.bank_holiday_nation},
    )
    # This process at once; the others within NATION_CACHE_SECONDS.
    bank_holiday_nation_forget()
    transaction.on_commit(bank_holiday_nation_forget)
    return row
