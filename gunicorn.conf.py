"""Gunicorn settings for production: `gunicorn -c gunicorn.conf.py config.wsgi` (README).

Measured with `make bench-load` on a 2-core server (docs/performance.md, "Load: a contact centre
at once (#19)"). Every value can be changed without editing this file:
GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_THREADS, GUNICORN_TIMEOUT.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
worker_class = "gthread" if threads > 1 else "sync"
# A request never hangs past this: the worker is killed and restarted (pages degrade plainly).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
# Behind the reverse proxy, which keeps its own connections to the app open.
keepalive = 5
# Workers are recycled now and then so a slow leak never builds up (jitter: not all at once).
max_requests = 5000
max_requests_jitter = 500
