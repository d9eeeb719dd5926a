from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from integration.imports import import_run
from integration.models import ImportRun
from integration.services import import_upload


class Command(BaseCommand):
    help = (
        "Import citizens from a CSV file (columns named like the fields: first_name, last_name, "
        "date_of_birth, email, phone, address_line_1, town, postcode, uprn, reference, "
        "source_reference). Prints the report; --dry-run checks and matches without writing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--source", required=True, help="The system the file came from.")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--as", dest="username", help="Member of staff recorded as actor.")

    def handle(self, *args, file, source, dry_run, username, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file {file}.")
        actor = None
        if username:
            actor = get_user_model().objects.filter(username=username).first()
            if actor is None:
                raise CommandError(f"No member of staff has the username {username!r}.")

        def chunks():
            with open(path, "rb") as handle:
                while block := handle.read(1 << 20):
                    yield block

        run = import_upload(actor=actor, source=source, name=path.name, chunks=chunks())
        if run.status != ImportRun.Status.FAILED:
            run = import_run(run, commit=not dry_run)
        if run.status == ImportRun.Status.FAILED:
            raise CommandError(f"Nothing was imported: {run.error}")
        counts = run.counts
        verb = "Checked" if dry_run else "Imported"
        self.stdout.write(
            f"{verb} {run.rows_total} rows from {path.name} (import {run.pk}): "
            + ", ".join(
                f"{counts.get(k, 0)} {label}"
                for k, label in [
                    ("matched", "matched"),
                    ("new", "new"),
                    ("review", "need review"),
                    ("unchanged", "already imported"),
                    ("error", "not imported"),
                ]
            )
        )
        for row in run.rows.filter(outcome="error").order_by("row_number")[:100]:
            self.stdout.write(f"  row {row.row_number}: {'; '.join(row.errors)}")
