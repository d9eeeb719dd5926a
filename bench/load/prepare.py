"""Get a database ready for the load benchmark and write the load tool's fixture.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench_load \\
        .venv/bin/python bench/load/prepare.py --citizens 100000 --users 64

- Builds the demo register once (`seed_demo --citizens N`: the demo seeders load in bulk; about
  N/1,000 minutes on a 2-core machine) when the database has no citizens; otherwise reuses it
  (it must hold at least N).
- Makes one member of staff per concurrent user and role, the way `accounts.demo` makes the demo
  staff (role group, service areas, usual location): `load-agent-01`… (contact centre agents, all
  service areas), `load-officer-01`… (service officers, one service area each, spread over the
  areas with the most open requests), `load-leader-01`… (team leaders). The password hash is
  computed once and shared, so making 200 members of staff takes no PBKDF2 time.
- Writes the fixture (`var/bench-load/fixture.json`): who signs in, the citizens to search for
  and their service accounts with the answers verification expects (the demo data's rule, see
  `verification.demo`), processes an agent may raise, contact types per service area, and report
  date ranges.
"""

import argparse
import json
import os
import random
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Staff  # noqa: E402
from citizens.models import Address, Citizen  # noqa: E402
from contacts.models import ContactType  # noqa: E402
from organisation.models import Location, ServiceArea  # noqa: E402
from requests_tracking.models import Request  # noqa: E402
from requests_tracking.selectors import processes_current  # noqa: E402
from verification.demo import _demo_answers  # noqa: E402
from verification.models import ServiceAccount  # noqa: E402

PASSWORD = "load-test-password-19"  # noqa: S105 - bench staff on a bench database only
ROLES = {
    "agent": ("Contact centre agent", "Contact centre"),
    "officer": ("Service officer", "Working from home"),
    "leader": ("Team leader", "Contact centre"),
}


def build_register(citizens):
    have = Citizen.objects.count()
    if have == 0:
        print(f"building the demo register: seed_demo --citizens {citizens} (once)")
        call_command("seed_demo", citizens=citizens)
        have = Citizen.objects.count()
    if have < citizens:
        sys.exit(f"the database holds {have:,} citizens, fewer than {citizens:,}: use another one")
    print(f"register: {have:,} citizens (reused)")


def ensure_staff(users):
    """`users` members of staff per role, made like the demo staff (accounts.demo)."""
    encoded = make_password(PASSWORD)
    all_areas = list(ServiceArea.objects.all())
    live = Request.objects.filter(status__in=["open", "waiting", "on_hold"])
    busiest = [
        row["process__service_area"]
        for row in live.values("process__service_area").annotate(n=Count("id")).order_by("-n")[:4]
    ]
    busiest_areas = [a for pk in busiest for a in all_areas if a.pk == pk] or all_areas[:1]
    names = {}
    for key, (role, location) in ROLES.items():
        group = Group.objects.get(name=role)
        place = Location.objects.filter(name=location).first()
        names[key] = []
        for i in range(1, users + 1):
            username = f"load-{key}-{i:02d}"
            user, created = Staff.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": key.title(),
                    "last_name": f"{i:02d}",
                    "email": f"{username}@council.example",
                    "usual_location": place,
                    "password": encoded,
                },
            )
            if created:
                user.groups.add(group)
                if key == "officer":
                    area = busiest_areas[i % len(busiest_areas)]
                    user.service_areas.set([area])
                    user.teams.set(area.teams.all()[:1])
                else:
                    user.service_areas.set(all_areas)
            names[key].append(username)
    return names


def sample_accounts(n, rng):
    """Council-tax accounts of active citizens with a current address, and their answers."""
    max_pk = Citizen.objects.order_by("-pk").values_list("pk", flat=True).first()
    picked, seen = [], set()
    if not ServiceAccount.objects.filter(kind="council_tax").exists():
        return picked
    while len(picked) < n:
        start = rng.randint(1, max_pk)
        rows = list(
            ServiceAccount.objects.filter(
                kind="council_tax", citizen_id__gte=start, citizen__status="active"
            )
            .order_by("citizen_id")
            .values("pk", "citizen_id", "reference", "citizen__date_of_birth")[:5]
        )
        for row in rows:
            if row["citizen_id"] in seen:
                continue
            address = (
                Address.objects.filter(citizen_id=row["citizen_id"], is_current=True)
                .values_list("postcode", flat=True)
                .first()
            )
            if not address:
                continue
            seen.add(row["citizen_id"])
            answers = _demo_answers(
                "council_tax", row["reference"], row["citizen__date_of_birth"], address
            )
            picked.append({"citizen": row["citizen_id"], "account": row["pk"], "answers": answers})
    return picked[:n]


def sample_searches(n, rng):
    """What an agent types: a caller's first and last name (the quick search ranks them)."""
    max_pk = Citizen.objects.order_by("-pk").values_list("pk", flat=True).first()
    out = []
    while len(out) < n:
        row = (
            Citizen.objects.filter(pk__gte=rng.randint(1, max_pk), status="active")
            .exclude(first_name="")
            .order_by("pk")
            .values("pk", "first_name", "last_name")
            .first()
        )
        if row:
            out.append({"q": f"{row['first_name']} {row['last_name']}", "id": row["pk"]})
    return out


def rebuild_missing_timelines(fixture):
    """The fixture's citizens get their timeline if they have none (the demo seed builds the
    timeline last, one chunk of citizens at a time: an interrupted seed leaves most without)."""
    from timeline.models import Entry
    from timeline.services import timeline_rebuild

    ids = {p["id"] for p in fixture["search"]} | {a["citizen"] for a in fixture["accounts"]}
    have = set(Entry.objects.filter(citizen_id__in=ids).values_list("citizen_id", flat=True))
    missing = sorted(ids - have)
    for start in range(0, len(missing), 500):
        timeline_rebuild(citizen_ids=missing[start : start + 500])
    return len(missing)


def end_open_contacts():
    """No agent starts a run in a call: contacts left open (a run stopped mid-journey) are
    closed the way the abandoned-contact sweep closes them."""
    from django.test.utils import override_settings

    from contacts.services import contact_close_abandoned

    with override_settings(CONTACT_ABANDON_AFTER_MINUTES=0):
        return contact_close_abandoned()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--citizens", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=64, help="staff per role (highest load)")
    parser.add_argument("--fixture", default="var/bench-load/fixture.json")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("the load benchmark runs against PostgreSQL (DATABASE_URL=postgres://…)")
    rng = random.Random(19)
    build_register(args.citizens)
    users = ensure_staff(args.users)
    processes = [
        p.pk
        for p in processes_current()
        if not p.place_based and not p.service_area.name.startswith("Public")
    ]
    contact_types = list(
        ContactType.objects.filter(active=True, service_area__active=True).values_list(
            "service_area_id", "pk"
        )
    )
    today = timezone.localdate()
    ranges = [
        ((today - timedelta(days=days)).strftime("%d/%m/%Y"), today.strftime("%d/%m/%Y"))
        for days in (6, 27, 89)
    ]
    fixture = {
        "password": PASSWORD,
        "users": users,
        "search": sample_searches(2000, rng),
        "accounts": sample_accounts(2000, rng),
        "processes": processes,
        "contact_types": contact_types,
        "report_ranges": ranges,
        "citizens": Citizen.objects.count(),
    }
    rebuilt = rebuild_missing_timelines(fixture)
    ended = end_open_contacts()
    path = Path(args.fixture)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(fixture))
    live = Request.objects.filter(~Q(status__in=["closed", "cancelled", "resolved"])).count()
    print(
        f"fixture: {path} ({len(users['agent'])} staff per role, {len(processes)} processes, "
        f"{live:,} requests not yet resolved; timelines rebuilt for {rebuilt} citizens; "
        f"{ended} open contacts closed)"
    )


if __name__ == "__main__":
    main()
