"""Forms engine at scale: page render and save, rule evaluation, and the record's forms panel
and an administrator's filtered submissions list with many submissions.

Usage (PostgreSQL; the database is created and migrated if needed):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench_forms \
        .venv/bin/python bench/forms_benchmark.py --submissions 1000000

Builds (once) a public form whose first page has 50 fields of every kind and 20 rules, and a
definition of 200 rules; then times, through Django's test client (the whole HTTP stack,
in-process): GET of that page for a draft (p50/p95 and its query count, compared with a
10-field page: the count must be the same), POST of a valid page (save), `logic.evaluate` with
200 rules, and — after bulk-inserting `--submissions` submissions spread over 20,000 citizens
and 5 forms (one citizen has 60 of them) — the citizen record's forms panel context and the
first page of a form's submissions list filtered by status and date (with its count).
"""

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, Staff  # noqa: E402
from citizens.models import Citizen  # noqa: E402
from forms_engine.builder import form_create_from_spec  # noqa: E402
from forms_engine.definition import Definition  # noqa: E402
from forms_engine.integrations import citizen_panel_context  # noqa: E402
from forms_engine.logic import evaluate  # noqa: E402
from forms_engine.models import Form, Submission  # noqa: E402
from forms_engine.selectors import submissions_list  # noqa: E402
from organisation.models import ServiceArea  # noqa: E402

BATCH = 10_000
KINDS = [
    ("text", {}),
    ("textarea", {}),
    ("number", {"min_value": "0", "max_value": "100"}),
    ("money", {}),
    ("date", {"date_after": "today-3650"}),
    ("time", {}),
    ("email", {}),
    ("phone", {}),
    ("postcode", {}),
    ("address", {}),
    ("name", {}),
    ("ni_number", {}),
    ("radios", {"options": "a\nb\nc"}),
    ("checkboxes", {"options": "x\ny\nz"}),
    ("select", {"options": "one\ntwo\nthree"}),
    ("yes_no", {}),
    ("declaration", {"content": "I confirm"}),
    ("content", {"content": "Guidance"}),
]
VALUES = {
    "text": "Some text",
    "textarea": "Line one\nline two",
    "number": "42",
    "money": "12.50",
    "time": "09:30",
    "email": "pat@example.com",
    "phone": "07700 900982",
    "postcode": "SW1A 1AA",
    "ni_number": "QQ123456C",
    "radios": "b",
    "checkboxes": ["x", "z"],
    "select": "two",
    "yes_no": "yes",
    "declaration": "yes",
}


def fields(count, prefix):
    out = []
    for i in range(count):
        kind, extra = KINDS[i % len(KINDS)]
        out.append(
            {
                "key": f"{prefix}{i}",
                "kind": kind,
                "label": f"Question {i}",
                "required": kind not in ("content",),
                **extra,
            }
        )
    return out


def rules(count, field_defs):
    answerable = [f for f in field_defs if f["kind"] in ("radios", "yes_no", "number", "text")]
    out = []
    for i in range(count):
        source = answerable[i % len(answerable)]
        target = field_defs[(i * 7 + 3) % len(field_defs)]
        value = {"radios": "b", "yes_no": "yes", "number": "10", "text": "x"}[source["kind"]]
        operator = "gt" if source["kind"] == "number" else "equals"
        out.append(
            {
                "name": f"Rule {i}",
                "conditions": [
                    {"group": 1, "field": source["key"], "operator": operator, "value": value},
                    {"group": 2, "field": source["key"], "operator": "answered", "value": ""},
                ],
                "actions": [
                    {"kind": "require" if i % 2 else "hide_field", "field": target["key"]}
                ],
            }
        )
    return out


def build_form(slug, n_fields, n_rules, area):
    page_fields = fields(n_fields, "f")
    # Rules only act on fields of later pages' kinds that stay optional-safe: "require" and
    # "hide" on this page, so the publish checks pass.
    spec = {
        "slug": slug,
        "name": f"Bench {n_fields} fields",
        "service_area": area,
        "portals": ["citizen"],
        "pages": [
            {"key": "big", "title": "Many questions", "fields": page_fields},
            {
                "key": "end",
                "title": "End",
                "fields": [{"key": "last", "kind": "text", "label": "Last"}],
            },
        ],
        "rules": [
            r
            for r in rules(n_rules, page_fields)
            if all(c["field"] != r["actions"][0]["field"] for c in r["conditions"])
        ],
    }
    return form_create_from_spec(actor=None, spec=spec)


def post_data(form_fields):
    data = {}
    for f in form_fields:
        kind, key = f["kind"], f["key"]
        if kind == "date":
            data.update({f"{key}-day": "1", f"{key}-month": "2", f"{key}-year": "2020"})
        elif kind == "address":
            data.update({f"{key}-line_1": "1 High St", f"{key}-postcode": "SW1A 1AA"})
        elif kind == "name":
            data.update({f"{key}-first": "Pat", f"{key}-last": "Smith"})
        elif kind in VALUES:
            data[key] = VALUES[kind]
    return data


class QueryCounter:
    """Counts statements sent to the database (the test client resets Django's own query log
    at each request, so CaptureQueriesContext cannot count a whole request)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        self._cm = connection.execute_wrapper(self)
        self._cm.__enter__()
        return self

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


def timed(fn, runs):
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return samples[len(samples) // 2], samples[int(len(samples) * 0.95) - 1]


def report(name, p50, p95, queries=None):
    extra = f", {queries} queries" if queries is not None else ""
    print(f"{name:<58} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms{extra}")


def populate_submissions(total, forms, rng):
    have = Submission.objects.count()
    if have >= total:
        return
    citizens = list(Citizen.objects.filter(reference__startswith="F").values_list("pk", flat=True))
    if len(citizens) < 20_000:
        Citizen.objects.bulk_create(
            Citizen(reference=f"F{n:07d}", first_name="Form", last_name=f"Person{n}")
            for n in range(len(citizens), 20_000)
        )
        citizens = list(
            Citizen.objects.filter(reference__startswith="F").values_list("pk", flat=True)
        )
    now = timezone.now()
    made = have
    started = time.monotonic()
    while made < total:
        rows = []
        for i in range(min(BATCH, total - made)):
            n = made + i
            form = forms[n % len(forms)]
            submitted = rng.random() < 0.7
            saved = now - timedelta(minutes=rng.randint(0, 365 * 24 * 60))
            rows.append(
                Submission(
                    form=form,
                    version_id=form.current_version_id,
                    status="submitted" if submitted else "draft",
                    via=rng.choice(["public", "public", "staff"]),
                    reference=f"FRB-{n:09d}" if submitted else None,
                    citizen_id=citizens[0] if n % 16_667 == 0 else rng.choice(citizens),
                    answers={"f0": "Some text", "f2": "42"},
                    current_page="" if submitted else "big",
                    last_saved_at=saved,
                    submitted_at=saved if submitted else None,
                    expires_at=None if submitted else saved + timedelta(days=28),
                )
            )
        Submission.objects.bulk_create(rows)
        made += len(rows)
        if made % 100_000 == 0:
            print(f"  {made:,} submissions ({time.monotonic() - started:.0f}s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE forms_engine_submission")
    print(f"  inserted {made - have:,} in {time.monotonic() - started:.0f}s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    settings.FORMS_RATE_LIMIT_PAGES = settings.FORMS_RATE_LIMIT_POSTS = 0
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    call_command("seed_reference", verbosity=0)
    rng = random.Random(13)
    area = ServiceArea.objects.first()
    big = Form.objects.filter(slug="bench-50").first() or build_form("bench-50", 50, 20, area)
    small = Form.objects.filter(slug="bench-10").first() or build_form("bench-10", 10, 4, area)
    print(f"load average: {os.getloadavg()}")

    # 1. Render a page of 50 fields and 20 rules for a draft (and 10 fields, for the count).
    for form in (small, big):
        client = Client()
        client.get(f"/forms/{form.slug}/big/")
        page_fields = form.current_version.snapshot["pages"][0]["fields"]
        response = client.post(f"/forms/{form.slug}/big/", post_data(page_fields))
        assert response.status_code == 302, response.content[:2000]
        with QueryCounter() as counted:
            assert client.get(f"/forms/{form.slug}/big/").status_code == 200
        p50, p95 = timed(
            lambda form=form, client=client: client.get(f"/forms/{form.slug}/big/"), args.runs
        )
        report(f"page render, {len(page_fields)} fields, draft", p50, p95, counted.count)
        data = post_data(page_fields)
        save50, save95 = timed(
            lambda form=form, client=client, data=data: client.post(
                f"/forms/{form.slug}/big/", data
            ),
            args.runs,
        )
        with QueryCounter() as counted:
            client.post(f"/forms/{form.slug}/big/", data)
        report(f"page save, {len(page_fields)} fields", save50, save95, counted.count)

    # 2. 200 rules over 50 fields.
    defs = fields(50, "f")
    definition = Definition(
        {
            "form": {"name": "b"},
            "pages": [{"key": "p", "title": "p", "fields": defs}],
            "rules": rules(200, defs),
        }
    )
    answers = {f["key"]: VALUES.get(f["kind"]) for f in defs if VALUES.get(f["kind"])}
    p50, p95 = timed(lambda: evaluate(definition, answers), max(args.runs, 200))
    report("evaluate 200 rules (50 fields)", p50, p95)

    # 3. Many submissions: the record's panel and an administrator's filtered list.
    forms = [big, small]
    for n in range(3):
        forms.append(
            Form.objects.filter(slug=f"bench-extra-{n}").first()
            or build_form(f"bench-extra-{n}", 5, 0, area)
        )
    populate_submissions(args.submissions, forms, rng)
    total = Submission.objects.count()
    print(f"submissions in the table: {total:,}")
    citizen = Citizen.objects.get(reference="F0000000")
    agent, _ = Staff.objects.get_or_create(username="bench-forms-agent")
    from django.contrib.auth.models import Group

    agent.groups.add(Group.objects.get(name=Role.AGENT))
    agent = Staff.objects.get(pk=agent.pk)
    request = RequestFactory().get("/")
    request.user = agent
    with CaptureQueriesContext(connection) as ctx:
        citizen_panel_context(request, citizen)
    p50, p95 = timed(lambda: citizen_panel_context(request, citizen), args.runs)
    report(
        f"record forms panel ({Submission.objects.filter(citizen=citizen).count()} forms)",
        p50,
        p95,
        len(ctx.captured_queries),
    )

    since = (timezone.now() - timedelta(days=90)).date()

    def listing():
        queryset = submissions_list(form=big, filters={"status": "submitted", "from": since})
        page = Paginator(queryset, 50).get_page(1)
        return list(page), page.paginator.count

    with CaptureQueriesContext(connection) as ctx:
        _, count = listing()
    p50, p95 = timed(listing, args.runs)
    report(
        f"form submissions, submitted, last 90 days ({count:,} match)",
        p50,
        p95,
        len(ctx.captured_queries),
    )


if __name__ == "__main__":
    main()
