from celery import shared_task

from reports.summary import summaries_recount, summaries_refresh


@shared_task(name="reports.tasks.refresh_summaries")
def refresh_summaries() -> int:
    """Bring the report summaries up to date (every 5 minutes; see CELERY_BEAT_SCHEDULE)."""
    return summaries_refresh()


@shared_task(name="reports.tasks.recount_summaries")
def recount_summaries() -> int:
    """Recount every day's summary against the raw contacts and log differences (nightly)."""
    return len(summaries_recount())
