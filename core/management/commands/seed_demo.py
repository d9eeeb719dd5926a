import importlib
import time

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand

from core.demo import DEMO_PASSWORD, DEMO_STAFF, DemoContext
from organisation.models import Location, ServiceArea


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
        ctx.staff = self._ensure_staff()
        citizen_model = apps.get_model("citizens", "Citizen")
        if citizen_model.objects.exists() and not force:
            self.stdout.write("Demo records exist already: left as they are (use --force to add).")
        else:
            for module in self._demo_modules():
                started = time.monotonic()
                module.seed(ctx)
                self.stdout.write(
                    f"  {module.__name__}: done in {time.monotonic() - started:.1f}s"
                )
        self.stdout.write("")
        self.stdout.write(f"Demo sign-in details (password for all: {DEMO_PASSWORD}):")
        for username, (_first, _last, role, _loc) in DEMO_STAFF.items():
            self.stdout.write(f"  {username:<12} {role}")

    def _demo_modules(self):
        """Each app's `demo` module, in INSTALLED_APPS order unless it sets a later ORDER."""
        modules = []
        for app_config in apps.get_app_configs():
            try:
                module = importlib.import_module(f"{app_config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app_config.name}.demo":
                    raise
                continue
            if hasattr(module, "seed"):
                modules.append(module)
        return sorted(modules, key=lambda m: getattr(m, "ORDER", 0))

    def _ensure_staff(self):
        staff_model = get_user_model()
        staff = {}
        all_areas = list(ServiceArea.objects.all())
        for username, (first, last, role, location) in DEMO_STAFF.items():
            user, created = staff_model.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@council.example",
                    "is_staff": role == "Administrator",
                    "is_superuser": role == "Administrator",
                    "usual_location": Location.objects.filter(name=location).first(),
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
                user.groups.add(Group.objects.get(name=role))
                if role == "Service officer":
                    user.service_areas.set(all_areas[:1])
                    user.teams.set(all_areas[0].teams.all()[:1] if all_areas else [])
                elif role != "Administrator":
                    user.service_areas.set(all_areas)
            staff[username] = user
        return staff
