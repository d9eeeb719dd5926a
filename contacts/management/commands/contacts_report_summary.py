"""Build (or rebuild) the daily summary behind the contacts Reports page."""

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from contacts.report_summary import last_settled_day, report_days_build


class Command(BaseCommand):
    help = (
        "Summarise settled days for the contacts Reports page: the last --days days by default, "
        "or --from/--to (YYYY-MM-DD). --rebuild recounts days already summarised (after bulk "
        "loads or changes made outside the contact services)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=400)
        parser.add_argument("--from", dest="date_from")
        parser.add_argument("--to", dest="date_to")
        parser.add_argument("--rebuild", action="store_true")

    def handle(self, *args, days, date_from, date_to, rebuild, **options):
        try:
            last = date.fromisoformat(date_to) if date_to else last_settled_day()
            first = (
                date.fromisoformat(date_from)
                if date_from
                else timezone.localdate() - timedelta(days=max(days, 1) - 1)
            )
        except ValueError as exc:
            raise CommandError("Give dates as YYYY-MM-DD, like 2026-03-27.") from exc
        if first > last:
            raise CommandError("--from must be the same as or before --to.")
        built = report_days_build(date_from=first, date_to=last, rebuild=rebuild)
        self.stdout.write(
            f"Summarised {built} day{'' if built == 1 else 's'} ({first} to {last})."
        )
