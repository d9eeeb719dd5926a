import logging
import signal
import time

from celery import current_app
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

log = logging.getLogger(__name__)


def seconds_to_next_run(schedule) -> float:
    """Seconds until a job runs again: a number of seconds or a timedelta, or a Celery schedule
    such as `crontab(hour=2, minute=30)` (how long until its next time from now)."""
    if hasattr(schedule, "remaining_estimate"):
        from django.utils import timezone

        now = timezone.now()
        return max(schedule.remaining_estimate(now).total_seconds(), 1.0)
    if hasattr(schedule, "total_seconds"):
        return schedule.total_seconds()
    return float(schedule)


class Command(BaseCommand):
    help = (
        "Run the periodic jobs of CELERY_BEAT_SCHEDULE in this process. For machines without "
        "Redis (the embedded default), where Celery beat has no broker to send to; `make run` "
        "starts it so SLA sweeps, outbox sends and auto-closing keep happening."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every job once, then stop.")

    def handle(self, *args, once, **options):
        self._stop = False
        signal.signal(signal.SIGTERM, self._request_stop)
        schedule = settings.CELERY_BEAT_SCHEDULE
        # A plain Django process has not imported the apps' tasks modules (a worker does).
        current_app.loader.import_default_modules()
        missing = sorted(
            e["task"] for e in schedule.values() if e["task"] not in current_app.tasks
        )
        if missing:
            raise CommandError(f"Periodic jobs name tasks that do not exist: {', '.join(missing)}")
        next_run = dict.fromkeys(schedule, 0.0)
        self.stdout.write(f"Scheduler running {len(schedule)} periodic jobs in-process.")
        while not self._stop:
            now = time.monotonic()
            ran = 0
            for name, entry in schedule.items():
                if now < next_run[name]:
                    continue
                next_run[name] = now + seconds_to_next_run(entry["schedule"])
                try:
                    current_app.tasks[entry["task"]].apply(throw=True)
                    ran += 1
                except Exception:  # one failing job must not stop the others
                    log.exception("Periodic job %s failed", name)
            if once:
                self.stdout.write(f"Ran {ran} of {len(schedule)} periodic jobs.")
                break
            time.sleep(1)

    def _request_stop(self, *args):
        self._stop = True
