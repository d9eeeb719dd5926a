from django.core.management.base import BaseCommand
from django.db import transaction

from contacts.reference import contacts_reference_seed
from forms_engine.reference import forms_reference_seed
from organisation.reference import organisation_reference_seed


class Command(BaseCommand):
    help = (
        "Load the starting reference data (service areas, contact types, channels…). Idempotent."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        organisation_reference_seed()
        contacts_reference_seed()
        forms_reference_seed()
        self.stdout.write("Reference data is in place.")
