"""The load benchmark: a contact centre at once, end to end over HTTP (#19). `make bench-load`.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench_load \\
    REDIS_URL=redis://127.0.0.1:6379/10 \\
        .venv/bin/python bench/load/run.py --users 1,16,64 --journeys a,b,c,d

It runs the app the way the README's production section does — `gunicorn -c gunicorn.conf.py
config.wsgi`, a Celery worker and beat, `DEBUG=0`, static files collected and served by
WhiteNoise — on PostgreSQL and Redis, against a register of at least 100,000 demo citizens
(bench/load/prepare.py builds it once and reuses it), and drives it with Locust (headless,
FastHttpUser: gevent and a C HTTP parser, the cheapest well-kept load tool per request on a
2-core machine; its CPU is measured and printed, since it runs on the same cores).

Journeys (bench/load/locustfile.py), think time off, every user its own member of staff:
  a  agent: search page → quick search (htmx) → citizen record → add note → notes tab → timeline
  b  agent: record → start contact → verify → raise request → end contact
  c  officer: request list (filtered) → request → add note → advance a stage
  d  team leader: reports with a date range (contacts, requests, channel shift, staff)

For each journey and number of users it prints per page p50/p95/max and errors, HTTP requests a
second, the load average and the CPU split (cores) between the load tool, gunicorn, Celery,
PostgreSQL and the rest, and saves everything as JSON in var/bench-load/.
`--gunicorn "gunicorn config.wsgi --workers 4 --timeout 60"` measures another server command
line (the bind address is added); `--env CONN_MAX_AGE=0` sets a server setting.
"""

import argparse
import json
import os
import shlex
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from cpu import GROUPS, cpu_split  # noqa: E402

BIN = Path(sys.executable).parent
OUT = ROOT / "var" / "bench-load"
JOURNEYS = {
    "a": "agent: search → record → note → timeline",
    "b": "agent: start contact → verify → raise request → end contact",
    "c": "officer: request list → request → note → advance",
    "d": "team leader: reports with a date range",
}


def server_env(args, port):
    env = dict(os.environ)
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": env.get("SECRET_KEY", "load-benchmark-only-" + "x" * 40),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
            # The demo's security answers are hashed with this key (seed_demo runs with DEBUG=1):
            "SECURITY_ANSWER_KEY": env.get(
                "SECURITY_ANSWER_KEY", "dev-only-insecure-key-never-use-in-production"
            ),
            "LOG_LEVEL": "WARNING",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "PYTHONUNBUFFERED": "1",
        }
    )
    for item in args.env:
        key, _, value = item.partition("=")
        env[key] = value
    return env


def start(cmd, env, log):
    handle = open(OUT / log, "w")  # noqa: SIM115 - closed with the process at the end
    return subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(proc):
    if proc and proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def wait_up(port, proc, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"gunicorn exited (see {OUT / 'gunicorn.log'})")
        try:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/accounts/sign-in/",
                headers={"X-Forwarded-Proto": "https"},
            )
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    sys.exit("gunicorn did not answer within a minute")


def percentile(values, p):
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summarise(result):
    seconds = result["seconds"]
    pages = []
    total = errors = 0
    for name, values in result["samples"].items():
        errs = sum(result["errors"].get(name, {}).values())
        total += len(values)
        errors += errs
        pages.append(
            {
                "page": name,
                "n": len(values),
                "p50": statistics.median(values),
                "p95": percentile(values, 0.95),
                "max": max(values),
                "errors": errs,
            }
        )
    split = cpu_split(result["cpu_before"], result["cpu_after"], seconds)
    return {
        "journey": result["journey"],
        "users": result["users"],
        "seconds": round(seconds, 1),
        "requests": total,
        "rps": total / seconds,
        "errors": errors,
        "unfinished": result["unfinished"],
        "pages": pages,
        "cpu": split,
        "error_examples": result["error_examples"],
    }


def show(summary, load_before, load_after):
    print(
        f"\n== journey {summary['journey']} ({JOURNEYS[summary['journey']]}), "
        f"{summary['users']} user(s), {summary['seconds']} s: {summary['requests']} requests, "
        f"{summary['rps']:.1f} req/s, {summary['errors']} errors, "
        f"{summary['unfinished']} unfinished"
    )
    print(f"   load average before {load_before}, after {load_after}")
    print(f"   {'page':<42} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'errors':>6}")
    for row in summary["pages"]:
        print(
            f"   {row['page']:<42} {row['n']:>6} {row['p50']:>8.1f} {row['p95']:>8.1f} "
            f"{row['max']:>8.1f} {row['errors']:>6}"
        )
    cpu = summary["cpu"]
    parts = ", ".join(f"{g} {cpu[g]:.2f}" for g in GROUPS)
    print(f"   CPU (cores of 2): {parts}; machine busy {cpu['machine busy']:.2f}")
    for example in summary["error_examples"][:5]:
        print(f"   error: {example}")


def loadavg():
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def ensure_database(url):
    """Create the bench database if it does not exist yet (it is seeded once, then reused)."""
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    server = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")
    return name


def setup(python, env, args, users, fixture):
    """Migrations, static files (DEBUG=0 serves the hashed names), the register and staff."""
    for command in (["migrate"], ["collectstatic"]):
        subprocess.run(
            [python, "manage.py", *command, "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
        )
    prepare = [python, "bench/load/prepare.py", "--citizens", str(args.citizens)]
    prepare += ["--users", str(max(users)), "--fixture", str(fixture)]
    subprocess.run(prepare, cwd=ROOT, env=env, check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", default="1,16,64")
    parser.add_argument("--journeys", default="a,b,c,d")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured window per run")
    parser.add_argument("--citizens", type=int, default=100_000)
    parser.add_argument("--port", type=int, default=8019)
    parser.add_argument("--gunicorn", default="gunicorn -c gunicorn.conf.py config.wsgi")
    parser.add_argument("--env", action="append", default=[], help="KEY=VALUE for the server")
    parser.add_argument("--label", default="", help="name of the saved results")
    parser.add_argument("--no-celery", action="store_true")
    parser.add_argument(
        "--quick", action="store_true", help="skip migrate, collectstatic and prepare (reuse)"
    )
    args = parser.parse_args()
    # Stopped with SIGTERM or SIGINT (even when started in the background): stop the servers.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: sys.exit("stopped"))
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("set DATABASE_URL to a PostgreSQL database of your own (it is seeded once)")
    if not os.environ.get("REDIS_URL"):
        sys.exit("set REDIS_URL (Celery broker and cache), e.g. redis://127.0.0.1:6379/10")
    OUT.mkdir(parents=True, exist_ok=True)
    users = [int(u) for u in args.users.split(",")]
    database = ensure_database(os.environ["DATABASE_URL"])
    env = server_env(args, args.port)
    python = str(BIN / "python")
    fixture = OUT / "fixture.json"
    if not args.quick:
        setup(python, env, args, users, fixture)
    gunicorn_cmd = shlex.split(args.gunicorn)
    gunicorn_cmd[0] = (
        str(BIN / gunicorn_cmd[0]) if not os.path.isabs(gunicorn_cmd[0]) else gunicorn_cmd[0]
    )
    gunicorn_env = dict(env, GUNICORN_BIND=f"127.0.0.1:{args.port}")
    if "-c" not in gunicorn_cmd and "--config" not in gunicorn_cmd:
        gunicorn_cmd += ["--bind", f"127.0.0.1:{args.port}"]
    processes = []
    saved = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "gunicorn": args.gunicorn,
        "env": args.env,
        "runs": [],
    }
    try:
        gunicorn = start(gunicorn_cmd, gunicorn_env, "gunicorn.log")
        processes.append(gunicorn)
        celery_pids = []
        if not args.no_celery:
            worker = start(
                [
                    str(BIN / "celery"),
                    "-A",
                    "config",
                    "worker",
                    "--loglevel=WARNING",
                    "--concurrency=4",
                ],
                env,
                "celery-worker.log",
            )
            beat = start(
                [
                    str(BIN / "celery"),
                    "-A",
                    "config",
                    "beat",
                    "--loglevel=WARNING",
                    "--schedule",
                    str(OUT / "celerybeat-schedule"),
                ],
                env,
                "celery-beat.log",
            )
            processes += [worker, beat]
            celery_pids = [worker.pid, beat.pid]
        wait_up(args.port, gunicorn)
        print(
            f"server: {args.gunicorn} ({' '.join(args.env) or 'default settings'}), "
            f"database {database}, DEBUG=0; load average {loadavg()}"
        )
        for journey in args.journeys.split(","):
            for n in users:
                result_path = OUT / f"result-{journey}-{n}.json"
                result_path.unlink(missing_ok=True)
                load_before = loadavg()
                locust_env = dict(
                    os.environ,
                    LOAD_JOURNEY=journey,
                    LOAD_USERS=str(n),
                    LOAD_SECONDS=str(args.seconds),
                    LOAD_FIXTURE=str(fixture),
                    LOAD_RESULT=str(result_path),
                    LOAD_GUNICORN_PID=str(gunicorn.pid),
                    LOAD_CELERY_PID=",".join(str(p) for p in celery_pids),
                    LOAD_DATABASE=database,
                )
                subprocess.run(
                    [
                        str(BIN / "locust"),
                        "-f",
                        "bench/load/locustfile.py",
                        "--headless",
                        "-u",
                        str(n),
                        "-r",
                        str(n),
                        "--host",
                        f"http://127.0.0.1:{args.port}",
                        "--only-summary",
                        "--loglevel",
                        "ERROR",
                        "--skip-log-setup",
                        "-t",
                        f"{int(args.seconds + 240)}s",
                        "--stop-timeout",
                        "90",
                    ],
                    cwd=ROOT,
                    env=locust_env,
                    check=False,
                    stdout=subprocess.DEVNULL,
                    stderr=open(OUT / "locust.log", "a"),  # noqa: SIM115
                )
                if not result_path.exists():
                    print(f"\n== journey {journey}, {n} user(s): no result (see locust.log)")
                    continue
                summary = summarise(json.loads(result_path.read_text()))
                summary.update(load_before=load_before, load_after=loadavg())
                show(summary, load_before, summary["load_after"])
                saved["runs"].append(summary)
                time.sleep(3)
    finally:
        for proc in reversed(processes):
            stop(proc)
        label = args.label or datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        (OUT / f"results-{label}.json").write_text(json.dumps(saved, indent=1))
        print(f"\nsaved: {OUT / f'results-{label}.json'}")


if __name__ == "__main__":
    main()
