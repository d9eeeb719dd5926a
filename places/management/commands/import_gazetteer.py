import time

from django.core.management.base import BaseCommand, CommandError

from places.importer import GazetteerFileError, gazetteer_import


class Command(BaseCommand):
    help = (
        "Load the council's address list (LLPG / AddressBase-style CSV with a header row: UPRN, "
        "USRN, ADDRESS_LINE_1, ADDRESS_LINE_2, STREET, TOWN, POSTCODE and EASTING/NORTHING or "
        "LATITUDE/LONGITUDE). Idempotent: rows are matched by UPRN; run it again with a newer "
        "file to update. Bad rows are skipped and listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the CSV file (UTF-8).")
        parser.add_argument(
            "--errors",
            type=int,
            default=50,
            help="How many row errors to list (all are counted). Default 50.",
        )

    def handle(self, *args, file, errors, **options):
        started = time.monotonic()
        try:
            with open(file, encoding="utf-8-sig", newline="") as handle:
                report = gazetteer_import(lines=handle)
        except FileNotFoundError:
            raise CommandError(f"There is no file at {file}.") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not a UTF-8 text file.") from None
        except GazetteerFileError as exc:
            raise CommandError(str(exc)) from None
        for line, message in report.errors[:errors]:
            self.stdout.write(f"  line {line}: {message}")
        if report.error_count > errors:
            self.stdout.write(f"  … and {report.error_count - errors} more row errors")
        self.stdout.write(f"{report.summary()} ({time.monotonic() - started:.1f}s)")
