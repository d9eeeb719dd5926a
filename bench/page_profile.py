"""Time every page an agent uses during a call, end to end through Django (issue #19).

Each page is requested through Django's test client — the whole middleware stack, session,
authentication, permissions, audit writes, queries and template rendering; no network and no
gunicorn (`make bench-load` measures those) — signed in as the demo staff (`seed_demo`): the
agent for the call pages, the service officer for the request pages and the team leader for
the reports. Prints per page p50/p95/max over `--repeats` requests, the queries one request
runs, and the load average. `--profile PAGE` runs cProfile over that page's repeats instead.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_i19b_bench \\
    REDIS_URL=redis://127.0.0.1:6379/12 \\
    .venv/bin/python bench/page_profile.py --repeats 50 [--only record,search] [--profile record]

Production settings by default (DEBUG=0, as gunicorn runs them; a throwaway SECRET_KEY; the
requests are made as HTTPS). `collectstatic` must have been run (the pages name hashed static
files). Build the database with `seed_demo --citizens 100000` (nice it). POSTs write real rows:
a note per repeat, a contact and a request per journey (b) repeat, a note and a stage per
journey (c) repeat.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "page-profile-bench-only")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


class Page:
    def __init__(self, name, who, method, url, data=None, htmx=None, expect=(200,)):
        self.name, self.who, self.method = name, who, method
        self.url, self.data, self.htmx, self.expect = url, data, htmx, expect
        self.times: list[float] = []
        self.cpu: list[float] = []
        self.queries: int | None = None

    def request(self, client, i):
        url = self.url(i) if callable(self.url) else self.url
        data = self.data(i) if callable(self.data) else self.data
        headers = {}
        if self.htmx is not None:
            headers = {"HX-Request": "true", "HX-Target": self.htmx}
        call = client.post if self.method == "POST" else client.get
        response = call(url, data or {}, secure=True, headers=headers)
        if response.status_code not in self.expect:
            raise SystemExit(
                f"{self.name}: {self.method} {url} answered {response.status_code}\n"
                f"{response.content[:2000].decode(errors='replace')}"
            )
        return response


def _fixtures():
    """The demo staff, a citizen with a service account and what the forms need."""
    from accounts.models import Staff
    from contacts.models import Channel, ContactType
    from contacts.selectors import agent_outcomes
    from organisation.models import Location
    from requests_tracking.selectors import processes_current
    from verification.models import ServiceAccount

    names = ["agent", "officer", "teamleader"]
    staff = {u.username: u for u in Staff.objects.filter(username__in=names)}
    account = (
        ServiceAccount.objects.filter(citizen__status="active")
        .select_related("citizen")
        .order_by("pk")
        .first()
    )
    citizen = account.citizen
    contact_type = ContactType.objects.filter(active=True).select_related("service_area").first()
    # A process the demo officer works (their service areas), so they may advance it.
    areas = staff["officer"].service_areas.all()
    process = (
        processes_current().filter(service_area__in=areas).first() or processes_current().first()
    )
    return {
        "staff": staff,
        "citizen": citizen,
        "account": account,
        "channel": Channel.objects.for_staff().first(),
        "location": Location.objects.active().first(),
        "outcome": agent_outcomes().first(),
        "contact_type": contact_type,
        "process": process,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--only", default="", help="comma-separated page names")
    parser.add_argument("--profile", default="", help="cProfile this page's repeats")
    parser.add_argument("--profile-lines", type=int, default=45)
    parser.add_argument("--profile-dump", default="", help="also write the pstats to this file")
    parser.add_argument(
        "--profile-cpu",
        action="store_true",
        help="profile with the process's CPU clock (leaves out waiting for PostgreSQL)",
    )
    parser.add_argument("--sql", default="", help="print the queries of this page")
    parser.add_argument("--sql-width", type=int, default=300)
    args = parser.parse_args()
    only = {n for n in args.only.split(",") if n}

    from citizens.panels import panel_tabs
    from contacts.models import Contact
    from requests_tracking.models import Request

    f = _fixtures()
    citizen, account = f["citizen"], f["account"]
    record = f"/citizens/{citizen.pk}/"
    surname = citizen.last_name
    search_q = f"{citizen.first_name} {citizen.last_name}"
    # What agents type (bench/load/prepare.py's fixture): a caller's first and last name, a
    # different active citizen's each repeat, the same ones every run.
    from citizens.models import Citizen

    top = Citizen.objects.order_by("-pk").values_list("pk", flat=True).first() or 1
    callers = list(
        Citizen.objects.filter(pk__in=range(1, top + 1, max(1, top // 97)), status="active")
        .exclude(first_name="")
        .values_list("first_name", "last_name")
    ) or [(citizen.first_name, citizen.last_name)]
    state = {"contacts": [], "requests": []}

    def start_data(_i):
        return {"citizen": citizen.pk, "channel": f["channel"].pk, "location": f["location"].pk}

    def end_url(_i):
        return f"/contacts/{state['contacts'][-1]}/end/"

    def end_data(_i):
        return {
            "service_area": f["contact_type"].service_area_id,
            "contact_type": f["contact_type"].pk,
            "outcome": f["outcome"].pk,
            "avoidable": "no",
            "resolved_at_first_contact": "yes",
            "notes": "",
        }

    def request_data(i):
        return {
            "process": f["process"].pk,
            "description": f"Benchmark request {i}",
            "address_line_1": f"{i} Benchmark Street",
            "postcode": "",
            "new_reason": "Benchmark: a different report",
        }

    def request_url(i):
        return f"/requests/{state['requests'][i % len(state['requests'])]}/"

    def advance_data(i):
        req = Request.objects.get(pk=state["requests"][i % len(state["requests"])])
        return {
            "expected_stage": req.current_stage_id or "",
            "expected_status": req.status,
            "expected_version": req.version,
        }

    tabs = [t for t, _label in panel_tabs()] + ["notes"]
    pages = [
        Page("search page", "agent", "GET", f"/citizens/?q={search_q}"),
        Page("search results (htmx)", "agent", "GET", f"/citizens/?q={surname}", htmx="results"),
        Page(
            "search results name (htmx)",
            "agent",
            "GET",
            lambda i: "/citizens/?" + urlencode({"q": " ".join(callers[i % len(callers)])}),
            htmx="results",
        ),
        Page("record", "agent", "GET", record),
        # The two panels the record page loads itself (hx-trigger="load").
        Page(
            "faq contact panel (htmx)",
            "agent",
            "GET",
            f"/faq/contact/?citizen={citizen.pk}",
            htmx="contact-knowledge-slot",
        ),
        Page(
            "faq citizen content (htmx)",
            "agent",
            "GET",
            f"/faq/citizens/{citizen.pk}/content/",
            htmx="dynamic-content-slot",
        ),
        *[
            Page(f"record tab {t} (htmx)", "agent", "GET", f"{record}?tab={t}", htmx="record-tabs")
            for t in tabs
        ],
        Page(
            "add note (POST)",
            "agent",
            "POST",
            f"{record}notes/new/",
            lambda i: {"text": f"Called about the bins ({i})"},
            expect=(302,),
        ),
        Page("timeline", "agent", "GET", f"/timeline/citizens/{citizen.pk}/"),
        Page(
            "start contact (POST)", "agent", "POST", "/contacts/start/", start_data, expect=(302,)
        ),
        Page("verify", "agent", "GET", f"/citizens/{citizen.pk}/accounts/{account.pk}/verify/"),
        Page("raise request form", "agent", "GET", f"/requests/new/?citizen={citizen.pk}"),
        Page(
            "raise request (POST)",
            "agent",
            "POST",
            f"/requests/new/?citizen={citizen.pk}",
            request_data,
            expect=(302,),
        ),
        Page("end contact (POST)", "agent", "POST", end_url, end_data, expect=(302,)),
        # What an officer opens the list on (the redirect from /requests/, bench/load journey c).
        Page(
            "request list filtered",
            "officer",
            "GET",
            "/requests/?status=live&mine=true&sort=urgent",
        ),
        Page("request page", "officer", "GET", request_url),
        Page(
            "request add note (POST)",
            "officer",
            "POST",
            lambda i: request_url(i) + "notes/",
            lambda i: {"text": f"Checked on site ({i})"},
            expect=(302,),
        ),
        Page(
            "request advance (POST)",
            "officer",
            "POST",
            lambda i: request_url(i) + "advance/",
            advance_data,
            expect=(302,),
        ),
        Page("report contacts 28 days", "teamleader", "GET", "/reports/contacts/?preset=last_28"),
        Page("report requests 28 days", "teamleader", "GET", "/reports/requests/?preset=last_28"),
        Page("report staff 28 days", "teamleader", "GET", "/reports/staff/?preset=last_28"),
    ]
    if only:
        pages = [p for p in pages if any(o in p.name for o in only)]

    clients = {}
    for username, user in f["staff"].items():
        client = Client()
        client.force_login(user)
        clients[username] = client
    # Nobody's contact left open from an earlier run.
    Contact.objects.filter(agent=f["staff"]["agent"], ended_at__isnull=True).update(
        ended_at=django.utils.timezone.now()
    )

    by_name = {p.name: p for p in pages}
    journey_b = [
        "start contact (POST)",
        "verify",
        "raise request form",
        "raise request (POST)",
        "end contact (POST)",
    ]
    profiler = None
    if args.profile:
        profiler = cProfile.Profile(time.process_time) if args.profile_cpu else cProfile.Profile()

    def run(page, i):
        client = clients[page.who]
        # Round 0 (start-up, template compiling, first connection) is never profiled.
        profiling = profiler is not None and args.profile in page.name and i > 0
        started, cpu_started = time.perf_counter(), time.process_time()
        if profiling:
            profiler.enable()
        response = page.request(client, i)
        if profiling:
            profiler.disable()
        page.times.append((time.perf_counter() - started) * 1000)
        page.cpu.append((time.process_time() - cpu_started) * 1000)
        if page.name == "start contact (POST)":
            state["contacts"].append(
                Contact.objects.filter(agent=f["staff"]["agent"]).latest("pk").pk
            )
        if page.name == "raise request (POST)":
            state["requests"].append(Request.objects.latest("pk").pk)
        return response

    def count(page, i):
        with CaptureQueriesContext(connection) as queries:
            run(page, i)
        page.times.pop()
        page.cpu.pop()
        page.queries = len(queries.captured_queries)
        if args.sql and args.sql in page.name:
            print(f"--- {page.name}")
            for q in queries.captured_queries:
                print(f"{q['time']:>6} {q['sql'][: args.sql_width]}")

    print(f"citizen {citizen.pk} ({citizen.reference}); load average before: {_load()}")
    # Round 0 warms up (per-process caches, the first connection) and is not kept; round 1 is
    # the counted one (its times are not kept either: counting queries slows a request).
    loads = []
    for i in range(args.repeats + 2):

        def step(page, i=i):
            if i == 1:
                count(page, i)
            else:
                run(page, i)
                if i == 0:
                    page.times.pop()
                    page.cpu.pop()

        for page in pages:
            if page.name in journey_b or page.who == "officer":
                continue
            step(page)
        for name in journey_b:
            if name in by_name:
                step(by_name[name])
        if state["requests"]:
            for page in pages:
                if page.who == "officer":
                    step(page)
        if i % 10 == 0:
            loads.append(_load())

    print(f"load average during: {' | '.join(loads)}; after: {_load()}")
    # cpu: this process's CPU time (Django, the test client; not PostgreSQL's), p50 — steadier
    # than wall-clock time on a shared machine.
    print(f"{'page':<36} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'cpu ms':>8} {'queries':>8}")
    for page in pages:
        if not page.times:
            continue
        times = sorted(page.times)
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        print(
            f"{page.name:<36} {statistics.median(times):>8.1f} {p95:>8.1f} "
            f"{times[-1]:>8.1f} {statistics.median(page.cpu):>8.1f} "
            f"{page.queries if page.queries is not None else '-':>8}"
        )
    if profiler is not None:
        stats = pstats.Stats(profiler)
        if args.profile_dump:
            stats.dump_stats(args.profile_dump)
        stats.sort_stats("cumulative").print_stats(args.profile_lines)
        stats.sort_stats("tottime").print_stats(args.profile_lines)


if __name__ == "__main__":
    main()
