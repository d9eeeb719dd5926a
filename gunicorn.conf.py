"""Gunicorn settings for production: `gunicorn -c gunicorn.conf.py config.wsgi` (README).

Measured with `make bench-load` on a 2-core server (docs/performance.md, "Load: a contact centre
at once (#19)"). Every value can be changed without editing this file:
GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_THREADS, GUNICORN_TIMEOUT.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Two single-threaded (sync) workers per core. A sync worker takes a connection only when it is
# free, so requests queue once, in the kernel, and go to whichever worker is free first. Threaded
# (gthread) workers accept connections while their threads are busy and keep browsers' kept-alive
# connections: on a busy 2-core server some workers queued far more than others (journey (b) at
# 16 agents, 4 workers x 2 threads: p50 30-110 ms but p95 300-630 ms; 2 x 4 threads: p95 up to
# 450 ms; 4 sync workers: p95 145-378 ms with 13 % more journeys done). The price: a request
# waiting on a slow database holds its whole worker (until WEB_STATEMENT_TIMEOUT, 30 s), so
# GUNICORN_THREADS=4 is there for a server whose database is often slow. docs/performance.md.
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
worker_class = "gthread" if threads > 1 else "sync"
# A request never hangs past this: the worker is killed and restarted (pages degrade plainly).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
# Threaded workers only (a sync worker answers one request per connection).
keepalive = 5
# Workers are recycled now and then so a slow leak never builds up (jitter: not all at once).
# Not too often: a new worker spends ~2 s starting (Django, WhiteNoise's file scan, the warm-up
# below) while its threads serve nothing — at 5,000 that was every ~100 s per worker at the
# 120 requests a second the load benchmark reaches. 50,000 is ~1.5 hours of a busy centre.
max_requests = 50000
max_requests_jitter = 5000


def post_worker_init(worker):
    """Compile the templates and build the URL resolver before the worker takes requests, so a
    new or recycled worker's first agents do not wait for it (core/warmup.py)."""
    from core.warmup import warm

    warm()
