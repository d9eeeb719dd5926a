"""Retention: unfinished drafts go once they pass the form's number of days (the resident was
told the date when saving); submissions that started no request go after the form's days for
those; submissions that started a request stay with it."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from forms_engine.models import Submission, SubmissionFile

BATCH = 500


def submissions_retention_sweep(*, now=None) -> dict:
    """Delete what is past its date, files first; returns counts."""
    now = now or timezone.now()
    due = Submission.objects.filter(
        Q(status=Submission.Status.DRAFT, expires_at__lt=now)
        | Q(status=Submission.Status.SUBMITTED, request__isnull=True, keep_until__lt=now)
    )
    counts = {"drafts": 0, "submissions": 0, "files": 0}
    while True:
        batch = list(due.values_list("pk", "status")[:BATCH])
        if not batch:
            break
        ids = [pk for pk, _ in batch]
        with transaction.atomic():
            files = list(SubmissionFile.objects.filter(submission_id__in=ids))
            for row in files:
                # Deleting a missing file is not an error: a retried sweep must finish.
                row.file.storage.delete(row.file.name)
            counts["files"] += len(files)
            Submission.objects.filter(pk__in=ids).delete()
        for _, status in batch:
            counts["drafts" if status == Submission.Status.DRAFT else "submissions"] += 1
    return counts
