"""Real parts for the delivery fault tests: a private redis-server, a broker that accepts and
never answers, a fake GOV.UK Notify that counts sends by reference, and a way to point this
process's Celery app (the web side) at one of those brokers."""

import json
import shutil
import socket
import subprocess
import threading
import time
import uuid
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
EMAIL_TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
REDIS_SERVER = shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRedis:
    """A redis-server of this test's own on a free port (never the suite's shared one), with
    no persistence: stopping it loses whatever was queued, like a wiped queue."""

    def __init__(self, workdir):
        self.port = free_port()
        self.workdir = workdir
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


class SilentBroker:
    """A TCP server that accepts every connection and never says a word (a hung broker)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(100)
        self.port = self.sock.getsockname()[1]
        self.connections = []
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _accept(self):
        while not self.closed:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections.append(conn)  # held open, never read, never answered

    def close(self):
        self.closed = True
        for conn in self.connections:
            conn.close()
        self.sock.close()


class FakeNotify:
    """GOV.UK Notify on a local port: POSTs create notifications (counted by reference), GET
    /v2/notifications?reference= finds them. `hold()` makes the next POST wait after Notify
    has taken it, until `release()`, so a test can kill the sender mid-send."""

    def __init__(self):
        self.lock = threading.Lock()
        self.posts = {}  # reference -> number of sends received
        self.notifications = []  # what Notify holds: {"id", "reference"}
        self.lookups = 0
        self.holding = False
        self.taken = threading.Event()  # a held send has arrived
        self.released = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                reference = body.get("reference")
                notification = {"id": str(uuid.uuid4()), "reference": reference}
                with fake.lock:
                    fake.posts[reference] = fake.posts.get(reference, 0) + 1
                    fake.notifications.append(notification)
                    hold, fake.holding = fake.holding, False
                if hold:
                    fake.taken.set()
                    fake.released.wait(timeout=60)
                self._answer(201, notification)

            def do_GET(self):  # noqa: N802
                url = urlparse(self.path)
                reference = parse_qs(url.query).get("reference", [None])[0]
                with fake.lock:
                    fake.lookups += 1
                    found = [n for n in fake.notifications if n["reference"] == reference]
                self._answer(200, {"notifications": found, "links": {}})

            def _answer(self, status, payload):
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the sender was killed while we held its request

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def hold(self):
        self.holding = True

    def release(self):
        self.released.set()

    def env(self, lease_seconds: int = 2) -> dict:
        """Settings for a worker sending through this fake Notify."""
        return {
            "NOTIFICATIONS_BACKEND": "notify",
            "NOTIFY_BASE_URL": self.url,
            "NOTIFY_API_KEY": f"test_key-{SERVICE_ID}-{SECRET}",
            "NOTIFY_EMAIL_TEMPLATE_ID": EMAIL_TEMPLATE_ID,
            "NOTIFICATIONS_SEND_LEASE_SECONDS": str(lease_seconds),
        }

    def tally(self, references) -> dict:
        """Sends, lost (never reached Notify) and doubled (reached it more than once)."""
        with self.lock:
            counts = [self.posts.get(reference, 0) for reference in references]
        return {
            "sends": sum(counts),
            "lost": sum(1 for count in counts if count == 0),
            "doubled": sum(1 for count in counts if count > 1),
        }

    def close(self):
        self.release()
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def web_broker(url):
    """Point this process's Celery app (what views publish with) at `url`, tasks not eager."""
    from celery import current_app as app

    def forget_connections():
        if app._pool is not None:
            app._pool.force_close_all()
        app._pool = None
        if "amqp" in app.__dict__:
            app.amqp._producer_pool = None

    saved = (app.conf.broker_url, app.conf.task_always_eager)
    forget_connections()
    app.conf.broker_url = url
    app.conf.task_always_eager = False
    try:
        yield app
    finally:
        forget_connections()
        app.conf.broker_url, app.conf.task_always_eager = saved
