"""The contact centre's journeys for Locust (headless, FastHttpUser), driven by bench/load/run.py.

Every user signs in as its own member of staff (made by bench/load/prepare.py), then repeats one
journey with no think time. Requests are what a browser sends: full pages with the CSRF token of
the page's form, htmx requests with the headers htmx sets (HX-Request, HX-Target, HX-Current-URL,
HX-Trigger/-Name), the htmx loads a page fires itself (`hx-trigger="load"`), redirects followed as
their own requests (so each page has its own figures). Every answer is checked: its status and a
marker of the page it must be (a sign-in page with 200 is an error).

The load tool keeps its own figures rather than Locust's (Locust rounds response times): the
window opens once every user has signed in (sign-in is PBKDF2 on purpose, not what an agent does
all day), lasts LOAD_SECONDS, and every request that *started* in it counts — if it is still
running when the window closes, the run waits for it (a hung request is a time-out, never lost).
The CPU of each process group is read from /proc at both ends of the window.

Settings (environment): LOAD_JOURNEY (a|b|c|d), LOAD_USERS, LOAD_SECONDS, LOAD_FIXTURE (JSON from
prepare.py), LOAD_RESULT (where to write the figures).
"""

import html
import itertools
import json
import os
import random
import re
import sys
import time
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import gevent
from gevent.event import Event
from locust import FastHttpUser, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cpu import cpu_snapshot  # noqa: E402

JOURNEY = os.environ.get("LOAD_JOURNEY", "a")
USERS = int(os.environ.get("LOAD_USERS", "1"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "30"))
FIXTURE = json.loads(
    Path(os.environ.get("LOAD_FIXTURE", "var/bench-load/fixture.json")).read_text()
)
RESULT = os.environ.get("LOAD_RESULT", "var/bench-load/result.json")
LATE_WAIT = 75  # seconds to wait for requests still running when the window closes (> timeout)

ROLE = {"a": "agent", "b": "agent", "c": "officer", "d": "leader"}[JOURNEY]


class Window:
    """The measured window, shared by all users of this process (gevent: one thread)."""

    def __init__(self):
        self.signed_in = 0
        self.go = Event()
        self.open = False
        self.started_at = self.closed_at = None
        self.samples = {}  # page -> [ms]
        self.errors = {}  # page -> {reason: count}
        self.error_examples = []
        self.in_flight = 0
        self.cpu_before = self.cpu_after = None

    def user_ready(self):
        self.signed_in += 1
        if self.signed_in == USERS:
            gevent.spawn(self._run)
        self.go.wait()

    def _run(self):
        self.cpu_before = cpu_snapshot()
        self.started_at = time.perf_counter()
        self.open = True
        self.go.set()
        gevent.sleep(SECONDS)
        self.open = False
        self.closed_at = time.perf_counter()
        self.cpu_after = cpu_snapshot()
        waited = time.perf_counter()
        while self.in_flight and time.perf_counter() - waited < LATE_WAIT:
            gevent.sleep(0.05)
        self.write()
        runner = getattr(_environment, "runner", None)
        if runner is not None:
            runner.quit()

    def write(self):
        elapsed = self.closed_at - self.started_at
        out = {
            "journey": JOURNEY,
            "users": USERS,
            "seconds": elapsed,
            "samples": self.samples,
            "errors": self.errors,
            "error_examples": self.error_examples[:20],
            "unfinished": self.in_flight,
            "cpu_before": self.cpu_before,
            "cpu_after": self.cpu_after,
            "loadavg_end": Path("/proc/loadavg").read_text().split()[:3],
        }
        Path(RESULT).parent.mkdir(parents=True, exist_ok=True)
        Path(RESULT).write_text(json.dumps(out))


WINDOW = Window()
_environment = None
_numbers = itertools.count()


@events.init.add_listener
def _on_init(environment, **kwargs):
    global _environment
    _environment = environment


class Failed(Exception):
    pass


# --- What a browser sends ---------------------------------------------------------------------

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LOADS = re.compile(r'<div\b[^>]*hx-trigger="load[^"]*"[^>]*>', re.S)
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
FIELD = re.compile(r"<(input|textarea|select)\b([^>]*)>(?:(.*?)</select>)?", re.S)
ATTR = re.compile(r'([a-zA-Z_:-]+)(?:="([^"]*)")?')
RADIO = re.compile(r'<input\b[^>]*type="radio"[^>]*>')
OPTION = re.compile(r"<option\b([^>]*)>", re.S)


def _attrs(text):
    return {k: html.unescape(v or "") for k, v in ATTR.findall(text)}


def form_data(page, *actions):
    """The fields the browser would submit from the form posting to one of `actions` (None: a
    post form without an action), with their defaults."""
    for head, body in FORM.findall(page):
        if _attrs(head).get("action") not in actions:
            continue
        data = {}
        for kind, attrs_text, options in FIELD.findall(body):
            attrs = _attrs(attrs_text)
            name = attrs.get("name")
            if not name or "disabled" in attrs:
                continue
            if kind == "select":
                opts = [_attrs(o) for o in OPTION.findall(options)]
                chosen = [o for o in opts if "selected" in o] or opts[:1]
                data[name] = chosen[0].get("value", "") if chosen else ""
            elif kind == "textarea":
                data.setdefault(name, "")
            elif attrs.get("type") in ("radio", "checkbox"):
                if "checked" in attrs:
                    data[name] = attrs.get("value", "on")
            elif attrs.get("type") not in ("submit", "button", "file"):
                data[name] = attrs.get("value", "")
        return data
    raise Failed(f"no form posting to {actions}")


def radio_values(page, name):
    return [_attrs(tag).get("value", "") for tag in RADIO.findall(page) if f'name="{name}"' in tag]


def page_name(path):
    return re.sub(r"/\d+/", "/<id>/", urlsplit(path).path)


class BehindTheProxy(DefaultCookiePolicy):
    """The app sees https (X-Forwarded-Proto, as behind the council's proxy) and marks its
    cookies Secure; the browser talks https, so it sends them back."""

    def return_ok_secure(self, cookie, request):
        return True


class Staff(FastHttpUser):
    abstract = True
    connection_timeout = 10.0
    network_timeout = 65.0  # past gunicorn's 60 s: a hung worker shows as a time-out
    insecure = True

    def on_start(self):
        self.number = next(_numbers)
        self.rng = random.Random(self.number)
        names = FIXTURE["users"][ROLE]
        self.username = names[self.number % len(names)]
        self.origin = "https://" + urlsplit(self.host).netloc
        self.current = "/"
        self.client.cookiejar.set_policy(BehindTheProxy())
        self.sign_in()
        self.prepare()
        WINDOW.user_ready()

    def prepare(self):
        pass

    # One request, checked. Counted when it started inside the window.
    def call(self, name, method, path, *, expect=200, marker=None, data=None, htmx=None):
        headers = {"X-Forwarded-Proto": "https", "Referer": self.origin + self.current}
        if method == "POST":
            headers["Origin"] = self.origin
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if htmx is not None:
            headers.update({"HX-Request": "true", "HX-Current-URL": self.origin + self.current})
            headers.update(htmx)
        counted = WINDOW.open
        WINDOW.in_flight += counted
        started = time.perf_counter()
        reason = None
        try:
            response = self.client.request(
                method,
                path,
                data=urlencode(data or {}, doseq=True) if method == "POST" else None,
                headers=headers,
                allow_redirects=False,
                catch_response=True,
            )
            with response:
                response.success()  # the figures are kept here, not in Locust's table
            text = response.text or ""
            if response.status_code == 0:
                reason = f"no answer ({response.error.__class__.__name__})"
            elif response.status_code != expect:
                where = response.headers.get("Location", "")
                reason = f"status {response.status_code}{' to ' + where if where else ''}"
            elif marker and marker not in text:
                reason = "sign-in page" if 'name="password"' in text else f"no {marker!r}"
        except Exception as exc:  # noqa: BLE001 - counted as an error, whatever broke
            text, response = "", None
            reason = f"client error ({exc.__class__.__name__})"
        elapsed = (time.perf_counter() - started) * 1000
        if counted:
            WINDOW.in_flight -= 1
            WINDOW.samples.setdefault(name, []).append(round(elapsed, 2))
            if reason:
                errs = WINDOW.errors.setdefault(name, {})
                errs[reason] = errs.get(reason, 0) + 1
                if len(WINDOW.error_examples) < 20:
                    WINDOW.error_examples.append(f"{name} {method} {path}: {reason}")
        if reason:
            raise Failed(f"counted: {name}: {reason}")
        if htmx is None and method == "GET":
            self.current = path
        return response, text

    def page(self, name, path, marker, *, loads=True):
        """A full page and the htmx loads it fires itself."""
        response, text = self.call(name, "GET", path, marker=marker)
        if loads:
            for tag in LOADS.findall(text):
                attrs = _attrs(tag)
                url, target = attrs["hx-get"], attrs.get("id", "")
                htmx = {"HX-Target": target, "HX-Trigger": target} if target else {}
                self.call(f"{page_name(url)} (htmx load)", "GET", url, htmx=htmx)
        return text

    def post(self, name, path, data, *, to=None):
        response, _ = self.call(name, "POST", path, data=data, expect=302)
        location = response.headers.get("Location", "")
        if to and not re.search(to, location):
            raise Failed(f"{name}: redirected to {location}, not {to}")
        return location.split("#")[0]

    def sign_in(self):
        while True:
            _, text = self.call("sign-in page", "GET", "/accounts/sign-in/", marker="password")
            data = form_data(text, "/accounts/sign-in/")
            data.update(username=self.username, password=FIXTURE["password"])
            try:
                self.post("sign in", "/accounts/sign-in/", data)
                return
            except Failed:
                gevent.sleep(1)

    def run_journey(self):
        raise NotImplementedError

    @task
    def journey(self):
        if not WINDOW.open and WINDOW.closed_at is not None:
            gevent.sleep(1)
            return
        try:
            self.run_journey()
        except Failed as exc:
            # A failed request is counted by call(); a page without what the journey needs
            # (no form, no link) is counted here. Either way the journey starts again.
            if not exc.args[0].startswith("counted:") and WINDOW.open:
                errs = WINDOW.errors.setdefault("journey step", {})
                errs[exc.args[0]] = errs.get(exc.args[0], 0) + 1
                WINDOW.samples.setdefault("journey step", [])
        except (TypeError, IndexError) as exc:  # a link or field the page did not have
            if WINDOW.open:
                errs = WINDOW.errors.setdefault("journey step", {})
                errs[repr(exc)] = errs.get(repr(exc), 0) + 1
                WINDOW.samples.setdefault("journey step", [])


class AgentRecord(Staff):
    """(a) search → citizen record → add note → timeline."""

    def run_journey(self):
        person = self.rng.choice(FIXTURE["search"])
        self.page("search page", "/citizens/", 'id="search-results"')
        _, results = self.call(
            "quick search (htmx)",
            "GET",
            "/citizens/?" + urlencode({"q": person["q"]}),
            marker='data-testid="search-results"',
            htmx={"HX-Target": "search-results"},
        )
        self.current = "/citizens/?" + urlencode({"q": person["q"]})
        wanted = f'href="/citizens/{person["id"]}/"'
        pk = (
            person["id"]
            if wanted in results
            else re.search(r'href="/citizens/(\d+)/"', results)[1]
        )
        record = f"/citizens/{pk}/"
        text = self.page("citizen record", record, 'data-testid="citizen-name"')
        note = f"Load test note {self.number}-{time.time_ns()}"
        data = form_data(text, f"/citizens/{pk}/notes/new/")
        data.update(text=note)
        after = self.post("add note (post)", f"/citizens/{pk}/notes/new/", data, to=r"tab=notes")
        self.page("citizen record, notes tab", after, note)
        self.call(
            "timeline tab (htmx)",
            "GET",
            record + "?tab=timeline",
            marker='data-testid="record-tab-timeline"',
            htmx={"HX-Target": "record-tabs"},
        )


class AgentCall(Staff):
    """(b) start contact → verify → raise request → end contact."""

    def prepare(self):
        # An agent whose earlier run stopped mid-call still has a contact open: end it first.
        self.open_contact = None

    def run_journey(self):
        account = self.rng.choice(FIXTURE["accounts"])
        pk = account["citizen"]
        record = f"/citizens/{pk}/"
        text = self.page("citizen record", record, 'data-testid="citizen-name"')
        if 'data-testid="action-end-contact"' in text:
            contact = re.search(r'href="(/contacts/\d+/)#end-contact"', text)[1]
            self.end_contact(contact)
            text = self.page("citizen record", record, 'data-testid="citizen-name"')
        if 'action="/contacts/start/"' not in text:  # a contact with someone else is open
            self.end_contact(re.search(r'href="(/contacts/\d+/)"', text)[1])
            text = self.page("citizen record", record, 'data-testid="citizen-name"')
        data = form_data(text, "/contacts/start/")
        after = self.post("start contact (post)", "/contacts/start/", data, to=record)
        if not after.startswith(record):
            self.end_contact(after)  # another contact was open: end it, start again next time
            return
        text = self.page("citizen record, in contact", record, 'data-testid="action-end-contact"')
        contact = re.search(r'href="(/contacts/\d+/)#end-contact"', text)[1]
        verify = f"/citizens/{pk}/accounts/{account['account']}/verify/"
        text = self.page("verify page", verify, "csrfmiddlewaretoken")
        data = form_data(text, None)
        data.update(account["answers"])
        self.post("verify (post)", verify, data, to=record)
        self.page("citizen record, verified", record, 'data-testid="citizen-name"')
        create = f"/requests/new/?citizen={pk}"
        text = self.page("raise request page", create, 'name="process"')
        data = form_data(text, create)
        data.update(process=str(self.rng.choice(FIXTURE["processes"])))
        data["description"] = f"Load test request from agent {self.number}"
        self.post("raise request (post)", create, data, to=record)
        self.page("citizen record, request raised", record, 'data-testid="citizen-name"')
        self.end_contact(contact)

    def end_contact(self, contact):
        text = self.page("contact page", contact, 'id="end-contact-form"')
        end = contact + "end/"
        area, kind = self.rng.choice(FIXTURE["contact_types"])
        self.call(
            "contact types (htmx)",
            "GET",
            "/contacts/contact-types/?" + urlencode({"service_area": area}),
            marker='name="contact_type"',
            htmx={
                "HX-Target": "contact-type-slot",
                "HX-Trigger": "id_service_area",
                "HX-Trigger-Name": "service_area",
            },
        )
        data = form_data(text, end)
        outcomes = radio_values(text, "outcome")
        if not outcomes:
            raise Failed("contact page: no outcomes")
        data.update(
            service_area=str(area),
            contact_type=str(kind),
            outcome=outcomes[0],
            avoidable="no",
            resolved_at_first_contact="yes",
        )
        self.post("end contact (post)", end, data, to=r"/citizens/\d+/")


class Officer(Staff):
    """(c) request list filtered → request → add note → advance."""

    def run_journey(self):
        self.call("request list (redirect)", "GET", "/requests/", expect=302)
        listing = "/requests/?status=live&mine=true&sort=urgent"
        text = self.page("request list, filtered", listing, 'id="results"')
        links = re.findall(r'href="(/requests/\d+/)"', text)
        if not links:
            raise Failed("request list: no open requests in the officer's areas")
        path = self.rng.choice(links[:10])
        text = self.page("request page", path, 'data-testid="actions"')
        data = form_data(text, path + "notes/")
        note = f"Load test note {self.number}-{time.time_ns()}"
        data.update(text=note)
        after = self.post("request note (post)", path + "notes/", data, to=path)
        text = self.page("request page, note added", after, note)
        for action, name in (("advance", "advance (post)"), ("back", "move back (post)")):
            if f'action="{path}{action}/"' in text:
                data = form_data(text, f"{path}{action}/")
                after = self.post(name, f"{path}{action}/", data, to=path)
                self.page("request page, moved", after, 'data-testid="actions"')
                return


class Leader(Staff):
    """(d) team leader: reports with a date range."""

    def run_journey(self):
        date_from, date_to = self.rng.choice(FIXTURE["report_ranges"])
        query = urlencode(
            {
                "preset": "custom",
                "date_from": date_from,
                "date_to": date_to,
                "service_area": "",
                "channel": "",
                "location": "",
                "process": "",
                "team": "",
            }
        )
        self.call("reports (redirect)", "GET", "/reports/", expect=302)
        self.page("contacts report", "/reports/contacts/", 'data-testid="report-title"')
        self.call(
            "contacts report, date range (htmx)",
            "GET",
            f"/reports/contacts/?{query}",
            marker='data-testid="report-title"',
            htmx={"HX-Target": "report-body"},
        )
        self.current = f"/reports/contacts/?{query}"
        for key in ("requests", "channel-shift", "staff"):
            self.page(f"{key} report, date range", f"/reports/{key}/?{query}", "report-title")


# Locust runs every non-abstract user class it finds: only this run's journey.
for _journey, _user_class in {"a": AgentRecord, "b": AgentCall, "c": Officer, "d": Leader}.items():
    _user_class.abstract = _journey != JOURNEY
del _journey, _user_class
