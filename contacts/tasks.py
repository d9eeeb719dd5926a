from datetime import timedelta

from celery import shared_task

from contacts.report_summary import last_settled_day, report_days_build
from contacts.services import contact_close_abandoned


@shared_task(name="contacts.tasks.close_abandoned_contacts")
def close_abandoned_contacts() -> int:
    """Close contacts nobody ended (periodic; see CELERY_BEAT_SCHEDULE)."""
    return contact_close_abandoned()


@shared_task(name="contacts.tasks.rebuild_recent_report_days")
def rebuild_recent_report_days(days: int = 7) -> int:
    """Recount the last week's settled report days (periodic), closing the small window in which
    a contact saved while its day was being summarised could be missed."""
    last = last_settled_day()
    return report_days_build(date_from=last - timedelta(days=days - 1), date_to=last, rebuild=True)
