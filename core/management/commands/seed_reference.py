from django.core.management.base import BaseCommand
from django.db import transaction

from core.discovery import app_modules


class Command(BaseCommand):
    help = (
        "Load the starting reference data (service areas, contact types, channels…). Idempotent."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        # Each app's reference.seed(), in INSTALLED_APPS order (organisation before contacts).
        for module in app_modules("reference"):
            module.seed()
        self.stdout.write("Reference data is in place.")
