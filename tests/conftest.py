"""Cross-cutting fixtures: a signed-in client per role, reference data, and a real browser."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import Role
from tests.factories import StaffFactory

ROLE_USERNAMES = {
    Role.AGENT: "agent",
    Role.RECEPTION: "reception",
    Role.SERVICE_OFFICER: "officer",
    Role.TEAM_LEADER: "teamleader",
    Role.ADMINISTRATOR: "admin",
    Role.PARTNER: "partner",
}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Staff fixtures hash a password; the production hasher costs about a second per user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _forget_rate_limits():
    """Delete core.ratelimit's counters only: on Redis the cache shares its database with the
    Celery broker, whose keys a real worker in another test needs."""
    from django.core.cache import cache

    client = getattr(cache, "_cache", None)
    if client is not None and hasattr(client, "get_client"):
        redis = client.get_client(write=True)
        keys = list(redis.scan_iter(match=cache.make_key("rl:*")))
        if keys:
            redis.delete(*keys)
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counts (core.ratelimit) live in the cache: every test starts with none."""
    _forget_rate_limits()
    yield
    _forget_rate_limits()


@pytest.fixture(autouse=True)
def _fresh_refcache():
    """Permissions and reference lists are kept per process (core.refcache); a test's rows are
    rolled back after it, so nothing it held may serve the next test."""
    from core.refcache import refcache_clear

    refcache_clear()
    yield
    refcache_clear()


@pytest.fixture(autouse=True)
def _fresh_bank_holiday_nation():
    """The nation is cached per process for a minute; each test reads its own database's."""
    from requests_tracking.working_time import bank_holiday_nation_forget

    bank_holiday_nation_forget()
    yield
    bank_holiday_nation_forget()


@pytest.fixture(autouse=True)
def _fresh_stage_averages():
    """Each process's stage averages are kept for ten minutes; each test works out its own."""
    from requests_tracking.services.dates import stage_expected_forget

    stage_expected_forget()
    yield
    stage_expected_forget()


@pytest.fixture(autouse=True)
def _celery_eager():
    """Run tasks in-process even when REDIS_URL is set for the whole suite (CI's Redis run).

    Tests that need a real worker start one in a subprocess with its own environment.
    """
    from celery import current_app

    saved = (current_app.conf.task_always_eager, current_app.conf.task_eager_propagates)
    current_app.conf.task_always_eager = True
    current_app.conf.task_eager_propagates = True
    yield
    current_app.conf.task_always_eager, current_app.conf.task_eager_propagates = saved


@pytest.fixture
def reference_data(db):
    """The starting service areas, contact types, channels, outcomes, locations and partners."""
    call_command("seed_reference", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115


def _staff(role):
    return StaffFactory(username=f"test-{ROLE_USERNAMES[role]}", role=role)


@pytest.fixture
def agent(db):
    return _staff(Role.AGENT)


@pytest.fixture
def receptionist(db):
    return _staff(Role.RECEPTION)


@pytest.fixture
def officer(db):
    return _staff(Role.SERVICE_OFFICER)


@pytest.fixture
def team_leader(db):
    return _staff(Role.TEAM_LEADER)


@pytest.fixture
def administrator(db):
    return _staff(Role.ADMINISTRATOR)


@pytest.fixture
def partner(db):
    return _staff(Role.PARTNER)


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def team_leader_client(client, team_leader):
    client.force_login(team_leader)
    return client


@pytest.fixture
def admin_client_(client, administrator):
    """A client signed in as a member of the Administrator role (not a bare superuser)."""
    client.force_login(administrator)
    return client


@pytest.fixture
def role_client(client, request):
    """Parametrise indirectly with a Role to get a client signed in with that role."""
    user = _staff(request.param)
    client.force_login(user)
    client.user = user
    return client


# --- A real Celery worker -------------------------------------------------------------------

REDIS_URL = os.environ.get("REDIS_URL", "")


class CeleryWorker:
    """`celery worker` in a subprocess, on this test's database and the broker in REDIS_URL."""

    def __init__(self, log_path, broker=None):
        self.broker = broker or REDIS_URL
        self.log_path = log_path
        self.process = None

    def start(self, flush=True, **env):
        import redis
        from django.db import connection

        if flush:
            redis.Redis.from_url(self.broker).flushdb()  # no tasks left over from an earlier run
        db = connection.settings_dict
        if db["ENGINE"].endswith("sqlite3"):
            database_url = f"sqlite:///{db['NAME']}"
        else:
            auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
            host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
            database_url = f"postgres://{auth}@{host}:{port}/{db['NAME']}"
        self._log = open(self.log_path, "w")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
            ],
            cwd=Path(__file__).resolve().parents[1],
            env={
                **os.environ,
                "DATABASE_URL": database_url,
                "REDIS_URL": self.broker,
                "DJANGO_SETTINGS_MODULE": "config.settings",
                **env,
            },
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        return self

    def send(self, task_name, args=None):
        from celery import Celery

        # Not made the current app: this process's tasks keep the project's app and settings.
        client = Celery("test-client", broker=self.broker, set_as_current=False)
        with client.connection_for_write() as connection:
            client.send_task(task_name, args=args, connection=connection)

    def wait_for(self, done, timeout=60):
        """Poll `done()` until it is true or the time is up; returns its last value."""
        deadline = time.monotonic() + timeout
        while not (result := done()) and time.monotonic() < deadline:
            time.sleep(0.5)
        return result

    def log(self):
        return Path(self.log_path).read_text()

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self._log.close()


@pytest.fixture
def celery_worker(tmp_path, transactional_db):
    """A real worker against Redis. CI's PostgreSQL run sets REDIS_URL; without it, skip."""
    if not REDIS_URL:
        pytest.skip("REDIS_URL is not set: the real-worker test needs Redis")
    worker = CeleryWorker(tmp_path / "worker.log")
    yield worker
    worker.stop()


# --- Browser ------------------------------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"REQUIRE_BROWSER is set but Chromium is not at {CHROMIUM}")
        pytest.skip(f"Chromium not found at {CHROMIUM}: install Debian's chromium package")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself (fixtures, assertions) are still synchronous and safe here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1400, "height": 900}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def signed_in_page(page, live_server):
    """Returns a function: sign_in(user) signs that member of staff in through the real form."""
    from tests.factories.accounts import PASSWORD

    def sign_in(user):
        page.goto("/accounts/sign-in/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return sign_in
