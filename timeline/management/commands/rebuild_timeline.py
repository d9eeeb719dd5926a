from django.core.management.base import BaseCommand, CommandError

from citizens.models import Citizen
from core.statistics import app_tables, tables_analyze
from timeline.services import timeline_rebuild

CHUNK = 2000


class Command(BaseCommand):
    help = (
        "Regenerate timeline entries from the source records (contacts, notes, verifications, "
        "profile history…). Safe to run again: entries are updated, never duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--citizen",
            action="append",
            default=[],
            metavar="ID_OR_REFERENCE",
            help="Only this citizen (database id or reference such as C0001234); repeatable.",
        )

    def handle(self, *args, citizen, **options):
        if citizen:
            ids = []
            for value in citizen:
                found = Citizen.objects.filter(reference__iexact=value).values_list(
                    "pk", flat=True
                )
                if not found and value.isdigit():
                    found = Citizen.objects.filter(pk=int(value)).values_list("pk", flat=True)
                if not found:
                    raise CommandError(f"No citizen with id or reference {value!r}.")
                ids.append(found[0])
            self._report(timeline_rebuild(citizen_ids=ids))
            return
        # Everyone, a chunk of citizens at a time so each transaction stays small.
        totals: dict[str, int] = {}
        all_ids = Citizen.objects.filter(merged_into__isnull=True).order_by("pk")
        last = 0
        while True:
            ids = list(all_ids.filter(pk__gt=last).values_list("pk", flat=True)[:CHUNK])
            if not ids:
                break
            for name, count in timeline_rebuild(citizen_ids=ids).items():
                totals[name] = totals.get(name, 0) + count
            last = ids[-1]
            self.stdout.write(f"  up to citizen id {last}: {sum(totals.values()):,} entries")
        tables_analyze(app_tables(["timeline"]))  # a bulk load: fresh planner statistics
        self._report(totals)

    def _report(self, counts):
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count:,} entries written")
        self.stdout.write(self.style.SUCCESS("Timeline rebuilt."))
