from django.core.management.base import BaseCommand

from faq.services import articles_index_all


class Command(BaseCommand):
    help = "Rebuild articles' sanitised HTML, search vectors and the misspelling vocabulary."

    def handle(self, *args, **options):
        count = articles_index_all()
        self.stdout.write(f"Reindexed {count} articles.")
