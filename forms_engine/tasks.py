from celery import shared_task

from forms_engine.services import submissions_retention_sweep


@shared_task
def retention_sweep():
    """Daily: delete unfinished drafts and expired submissions past their form's days."""
    return submissions_retention_sweep()
