"""Gunicorn settings for production: `gunicorn -c gunicorn.conf.py config.wsgi` (README).

Measured with `make bench-load` on a 2-core server (docs/performance.md, "Load: a contact centre
at once (#19)"). Every value can be changed without editing this file:
GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_THREADS, GUNICORN_TIMEOUT.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# One process per core, four threads each (gthread). Measured at 16 agents on 2 cores, journey
# (a): 2 × 4 threads 36.0 req/s, 4 sync workers 33.8, 3 × 4 threads 29.5, 8 sync workers
# 27.5 (the machine shared; the pages are CPU-bound, so more processes buy nothing). Threads
# keep a worker answering while one request waits on a slow database or broker, and hold half
# the memory and half the PostgreSQL connections of 4 processes doing the same.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
worker_class = "gthread" if threads > 1 else "sync"
# A request never hangs past this: the worker is killed and restarted (pages degrade plainly).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
# Behind the reverse proxy, which keeps its own connections to the app open.
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
