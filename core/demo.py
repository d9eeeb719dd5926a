"""Demo data: the `seed_demo` command calls `<app>.demo.seed(ctx)` for each app that has one.

Apps run in INSTALLED_APPS order, so an app can use what earlier apps created (contacts use
citizens; requests use both). Each app's seed must be deterministic for a given `ctx.rng` and
fast enough for benchmark sizes (bulk inserts, no per-row services).
"""

import random
from dataclasses import dataclass, field

from faker import Faker

DEMO_PASSWORD = "demo-password-2026"

# username -> (first name, last name, role, usual location name)
DEMO_STAFF = {
    "agent": ("Alex", "Agent", "Contact centre agent", "Contact centre"),
    "reception": ("Rita", "Reception", "Reception", "Main reception, Civic Centre"),
    "officer": ("Omar", "Officer", "Service officer", "Working from home"),
    "teamleader": ("Tara", "Leader", "Team leader", "Contact centre"),
    "admin": ("Adam", "Administrator", "Administrator", "Contact centre"),
}


@dataclass
class DemoContext:
    seed: int
    citizens: int
    stdout: object
    rng: random.Random = field(init=False)
    faker: Faker = field(init=False)
    staff: dict = field(default_factory=dict)

    def __post_init__(self):
        self.rng = random.Random(self.seed)
        self.faker = Faker("en_GB")
        self.faker.seed_instance(self.seed)

    def log(self, message: str) -> None:
        self.stdout.write(message)
