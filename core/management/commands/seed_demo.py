import time

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand

from core.demo import DEMO_PASSWORD, DEMO_STAFF, DemoContext
from core.discovery import app_modules
from core.statistics import app_tables, tables_analyze


class Command(BaseCommand):
    help = (
        "Load reference data, one demo member of staff per role and realistic demo records. "
        "Idempotent: when demo records exist already only staff and reference data are ensured."
    )

    def add_arguments(self, parser):
        parser.add_argument("--citizens", type=int, default=2000, help="How many citizens.")
        parser.add_argument("--seed", type=int, default=20261122, help="Random seed.")
        parser.add_argument(
            "--force", action="store_true", help="Add demo records even if some exist already."
        )

    def handle(self, *args, citizens, seed, force, **options):
        call_command("seed_reference", stdout=self.stdout)
        ctx = DemoContext(seed=seed, citizens=citizens, stdout=self.stdout)
        modules = app_modules("demo")
        for module in modules:
            if hasattr(module, "ensure"):  # runs every time (accounts: the demo staff)
                module.ensure(ctx)
        citizen_model = apps.get_model("citizens", "Citizen")
        if citizen_model.objects.exists() and not force:
            self.stdout.write("Demo records exist already: left as they are (use --force to add).")
        else:
            seeders = [m for m in modules if hasattr(m, "seed")]
            for module in sorted(seeders, key=lambda m: getattr(m, "ORDER", 0)):
                started = time.monotonic()
                module.seed(ctx)
                self.stdout.write(
                    f"  {module.__name__}: done in {time.monotonic() - started:.1f}s"
                )
            started = time.monotonic()
            filled = tables_analyze(app_tables(m.__name__.rsplit(".", 1)[0] for m in seeders))
            self.stdout.write(
                f"  planner statistics (ANALYZE) for {len(filled)} tables in "
                f"{time.monotonic() - started:.1f}s"
            )
        self.stdout.write("")
        self.stdout.write(f"Demo sign-in details (password for all: {DEMO_PASSWORD}):")
        for username, (_first, _last, role, _loc) in DEMO_STAFF.items():
            self.stdout.write(f"  {username:<12} {role}")
