"""Thin Celery tasks for the citizen register (bodies call citizens.matching)."""

from celery import shared_task
from django.conf import settings


@shared_task(name="citizens.tasks.duplicate_review")
def duplicate_review(seconds: float = 240.0):
    """Carry on (or start, when due) the register-wide duplicate review for a while."""
    from citizens.matching.review import review_step

    run = review_step(seconds=seconds)
    if (
        run is not None
        and run.status == run.Status.RUNNING
        and not settings.CELERY_TASK_ALWAYS_EAGER
    ):
        duplicate_review.delay(seconds)  # keep going; beat restarts it after a lost worker
    return run.pk if run else None


@shared_task(name="citizens.tasks.matcher_estimate")
def matcher_estimate():
    """Re-learn the matcher's u probabilities, name frequencies and prior from the register."""
    from citizens.matching.parameters import parameters_estimate, parameters_save

    return parameters_save(parameters_estimate()).pk
