"""Demo timeline: built from the demo records the other apps created, like after an import."""

from django.core.management import call_command

# Runs after every other app's demo data (see core seed_demo).
ORDER = 100


def seed(ctx):
    call_command("rebuild_timeline", stdout=ctx.stdout)
