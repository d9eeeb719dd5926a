"""One settings module for every environment, driven by environment variables.

`DEBUG=0` alone switches on the production-safe defaults; see README.md for every variable.
"""

import os
import sys
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-never-use-in-production")
else:
    SECRET_KEY = env("SECRET_KEY")  # no production default: refuse to start without one

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    # project apps
    "core",
    "accounts",
    "organisation",
    "audit",
    "timeline",
    "citizens",
    "contacts",
    "verification",
    "notifications",
    "places",
    "requests_tracking",
    "forms_engine",
    "faq",
    "open311",
    "integration",
    "home",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.assets.FrontendAssetsMiddleware",  # WhiteNoise, plus GOV.UK/MOJ /assets/ fonts
    "core.security_headers.SecurityHeadersMiddleware",  # CSP on pages, no-store on answers
    "core.refcache.RefCacheMiddleware",  # roles/permissions kept per process, one cache read
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.SessionIdleTimeoutMiddleware",
    "core.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.NulCharacterGuard",
    "core.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.HtmxVaryMiddleware",  # Vary: HX-Request on every HTML answer
    "axes.middleware.AxesMiddleware",
    "core.api.middleware.ApiQueryGuard",
    "integration.idempotency.IdempotencyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.staff_context",
            ],
            # `{% url %}` keeping the addresses it works out (core/templatetags/kept_urls.py).
            "builtins": ["core.templatetags.kept_urls"],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections (one per gunicorn worker thread, checked before reuse), not psycopg's
# pool: the two do not mix, and persistent connections measured as fast with no new dependency
# (docs/performance.md, #19). `runserver` serves every browser connection on a new thread, so
# there they are closed after each request instead of idling until CONN_MAX_AGE.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=600))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if "runserver" in sys.argv[1:2]:
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL;",
        }
    )
    # A file (not :memory:) so browser tests' live server shares the test database.
    _db_name = Path(str(DATABASES["default"]["NAME"])).stem
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test_{_db_name}.sqlite3")}
IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
# Prepared statements (#19): parameters sent apart from the SQL (server-side binding), so the
# same query has the same text whatever the citizen, and psycopg prepares it on its 5th use on a
# connection — PostgreSQL then parses and plans it once per connection instead of per page
# (the record page's PostgreSQL CPU fell from ~20 ms to ~7 ms: docs/performance.md). Turn off
# behind a connection pooler in transaction mode (PgBouncer), which cannot keep them.
DATABASE_PREPARED_STATEMENTS = IS_POSTGRES and env.bool(
    "DATABASE_PREPARED_STATEMENTS", default=True
)
if DATABASE_PREPARED_STATEMENTS:
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 5}
    )
# Web requests only (gunicorn through config/wsgi.py, runserver): PostgreSQL cancels a query
# that runs longer than this, and the page answers a plain "too busy, try again" 503
# (core.views.error_500) instead of holding a worker until gunicorn's timeout kills it. Half of
# that timeout by default; 0 turns it off. Celery tasks and management commands (imports, the
# register review, report refreshes) are not web requests and are never cut short.
WEB_STATEMENT_TIMEOUT = env.float("WEB_STATEMENT_TIMEOUT", default=30.0)
WEB_PROCESS = os.environ.get("CRM_PROCESS") == "web" or "runserver" in sys.argv[1:2]
if IS_POSTGRES and WEB_PROCESS and WEB_STATEMENT_TIMEOUT > 0:
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    _db_options["options"] = " ".join(
        filter(
            None,
            [
                _db_options.get("options", ""),
                f"-c statement_timeout={int(WEB_STATEMENT_TIMEOUT * 1000)}",
            ],
        )
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.Staff"

# --- Authentication and sessions ----------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.StaffModelBackend",  # ModelBackend, permissions in one query
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions end after this many seconds without a request (and always when the browser closes),
# and SESSION_COOKIE_AGE seconds after signing in however busy the member of staff is (an
# absolute lifetime enforced by core's SessionIdleTimeoutMiddleware: requests never extend it).
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=10 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Sessions are read from the cache (Redis) and kept in the database, so a page costs no session
# query; core.sessions carries on from the database alone while Redis is unreachable (#19).
SESSION_ENGINE = "core.sessions"

# Lockout: at most AXES_FAILURE_LIMIT failures for a username, then even the right password is
# refused for a while (never a permanent lock; accounts.lockout): SIGN_IN_COOLOFF_MINUTES for
# the address that made the failures, SIGN_IN_USERNAME_COOLOFF_MINUTES for everyone else, so a
# stranger cannot keep a named member of staff out for long.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
SIGN_IN_COOLOFF_MINUTES = env.int("AXES_COOLOFF_MINUTES", default=15)
SIGN_IN_USERNAME_COOLOFF_MINUTES = env.int("SIGN_IN_USERNAME_COOLOFF_MINUTES", default=3)
AXES_COOLOFF_TIME = "accounts.lockout.cool_off"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
# Password spraying: failed sign-ins per client address across all usernames; past
# SIGN_IN_IP_FAILURE_LIMIT in SIGN_IN_IP_WINDOW_MINUTES the address gets 429 (0 = off). The
# council's own egress addresses (CIDRs, comma-separated) are exempt: a contact centre behind
# one NAT address is never locked out together.
SIGN_IN_IP_FAILURE_LIMIT = env.int("SIGN_IN_IP_FAILURE_LIMIT", default=50)
SIGN_IN_IP_WINDOW_MINUTES = env.int("SIGN_IN_IP_WINDOW_MINUTES", default=15)
SIGN_IN_TRUSTED_NETWORKS = env.list("SIGN_IN_TRUSTED_NETWORKS", default=[])
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# How many trusted proxies add themselves to X-Forwarded-For (the client address is the entry
# before them); used by the lockout and by every rate limit (core.ratelimit.client_ip).
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT

# Optional single sign-on with any OpenID Connect provider (e.g. Microsoft Entra ID).
OIDC_ENABLED = bool(env("OIDC_RP_CLIENT_ID", default=""))
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("accounts.oidc.StaffOIDCBackend")
    OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT")
    OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
    OIDC_RP_SCOPES = "openid email profile"
    # Staff must already exist (created by an administrator); SSO never creates accounts.
    OIDC_CREATE_USER = env.bool("OIDC_CREATE_USER", default=False)
    OIDC_PROVIDER_NAME = env("OIDC_PROVIDER_NAME", default="Microsoft")

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d %m %Y"]

# --- Static and uploaded files ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
# Only the built front-end packages are served (from npm, see package.json; no build step).
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/govuk-frontend", BASE_DIR / "node_modules/govuk-frontend/dist/govuk"),
    ("vendor/moj-frontend", BASE_DIR / "node_modules/@ministryofjustice/frontend/moj"),
    ("vendor/htmx", BASE_DIR / "node_modules/htmx.org/dist"),
    ("vendor/leaflet", BASE_DIR / "node_modules/leaflet/dist"),
]
STORAGES = {
    # Uploaded evidence is private: it lives outside any public URL and is only served through
    # permission-checking views.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private"))},
    },
    "staticfiles": {
        # WhiteNoise's compressed manifest storage, each address kept once worked out.
        "BACKEND": "core.storage.KeptURLManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
MAX_UPLOAD_MB = env.int("MAX_UPLOAD_MB", default=10)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = (MAX_UPLOAD_MB + 1) * 1024 * 1024

# --- Security (production-safe whenever DEBUG is off) -------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Every HTML page: scripts and styles from this site only (no inline script anywhere; see
# core.security_headers). Override the whole policy with CONTENT_SECURITY_POLICY.
CONTENT_SECURITY_POLICY = env(
    "CONTENT_SECURITY_POLICY",
    default="default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'",
)
# The API docs page (Redoc) builds its styles at run time and reads fonts from Google.
API_DOCS_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline' "
    "https://fonts.googleapis.com; font-src 'self' https://fonts.gstatic.com data:; "
    "img-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # load balancers probe over plain HTTP
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=63072000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Background jobs ----------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# Without Redis every task runs in-process at once, and `manage.py run_scheduler` (started by
# `make run`) fires the periodic jobs below, so nothing silently stops happening.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that queues a task must never be held by a broker that accepts connections and
# then says nothing (issue 11): short connect and socket timeouts and at most one quick publish
# retry. A publish that still fails is logged; the message waits in the outbox for the sweep.
# The socket timeout must stay above the worker's 1-second BRPOP wait.
BROKER_CONNECT_TIMEOUT = env.float("BROKER_CONNECT_TIMEOUT", default=2.0)
BROKER_SOCKET_TIMEOUT = env.float("BROKER_SOCKET_TIMEOUT", default=3.0)
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_CONNECT_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": BROKER_CONNECT_TIMEOUT,
    "socket_timeout": BROKER_SOCKET_TIMEOUT,
    "retry_on_timeout": False,
    # (Re)connecting for a publish: one quick retry, not kombu's default of retrying forever.
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TIMEZONE = TIME_ZONE
# Apps add their periodic jobs here: {name: {"task": dotted name, "schedule": seconds}}.
CELERY_BEAT_SCHEDULE = {
    "contacts-close-abandoned": {
        "task": "contacts.tasks.close_abandoned_contacts",
        "schedule": 300.0,
    },
    "reports-refresh-summaries": {
        "task": "reports.tasks.refresh_summaries",
        "schedule": float(env.int("REPORTS_REFRESH_SECONDS", default=300)),
    },
    "reports-recount-summaries": {
        "task": "reports.tasks.recount_summaries",
        "schedule": crontab(hour=2, minute=30),
    },
    "contacts-rebuild-report-days": {
        "task": "contacts.tasks.rebuild_recent_report_days",
        "schedule": 24 * 3600.0,
    },
    "requests-sla-sweep": {"task": "requests_tracking.tasks.sla_sweep", "schedule": 60.0},
    "requests-auto-close": {
        "task": "requests_tracking.tasks.auto_close_resolved",
        "schedule": 3600.0,
    },
    "requests-refresh-estimates": {
        "task": "requests_tracking.tasks.refresh_estimates",
        "schedule": 3600.0,
    },
    "notifications-outbox-sweep": {"task": "notifications.tasks.outbox_sweep", "schedule": 60.0},
    "requests-expire-follower-signups": {
        "task": "requests_tracking.tasks.expire_follower_signups",
        "schedule": 3600.0,
    },
    "forms-retention-sweep": {
        "task": "forms_engine.tasks.retention_sweep",
        "schedule": 24 * 3600.0,
    },
    "citizens-duplicate-review": {"task": "citizens.tasks.duplicate_review", "schedule": 300.0},
    "citizens-matcher-estimate": {
        "task": "citizens.tasks.matcher_estimate",
        "schedule": 7 * 24 * 3600.0,
    },
}

CACHES = {
    "default": (
        {
            # Django's Redis backend, its client object built once (core/cache.py, #19).
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # A stopped or silent Redis costs a page at most this long per cache call, never a
            # hang: sessions and cached reference data then come from the database (#19).
            "OPTIONS": {
                "socket_connect_timeout": env.float("CACHE_TIMEOUT", default=0.5),
                "socket_timeout": env.float("CACHE_TIMEOUT", default=0.5),
            },
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Email and SMS ------------------------------------------------------------------------
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="council-crm@localhost")
# Which notification channel implementation sends citizen/staff messages: console | smtp | notify
NOTIFICATIONS_BACKEND = env("NOTIFICATIONS_BACKEND", default="console")
NOTIFY_API_KEY = env("NOTIFY_API_KEY", default="")
# How long a worker may take to hand one message to the provider before another worker may try
# it again (the "send lease"). Before trying again, the GOV.UK Notify backend asks Notify whether
# it already has the message (by its reference), so a killed worker never doubles a message.
NOTIFICATIONS_SEND_LEASE_SECONDS = env.int("NOTIFICATIONS_SEND_LEASE_SECONDS", default=300)
NOTIFY_BASE_URL = env("NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk")
NOTIFY_EMAIL_TEMPLATE_ID = env("NOTIFY_EMAIL_TEMPLATE_ID", default="")
NOTIFY_SMS_TEMPLATE_ID = env("NOTIFY_SMS_TEMPLATE_ID", default="")

# --- Domain settings ----------------------------------------------------------------------
COUNCIL_NAME = env("COUNCIL_NAME", default="Demo Borough Council")
# Where citizens reach the public pages (tracking links in messages): scheme, host, no path.
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")
# Maps: a Leaflet map to pick a point on place-based requests, only when a tile server is set
# (e.g. "https://tile.openstreetmap.org/{z}/{x}/{y}.png" or the council's own); without one the
# place is given by address and coordinates. MAP_CENTRE ("lat,lon") is where an empty map opens.
MAP_TILE_URL = env("MAP_TILE_URL", default="")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", default="")
MAP_CENTRE = env("MAP_CENTRE", default="53.6458,-1.7850")
if MAP_TILE_URL and "CONTENT_SECURITY_POLICY" not in os.environ:
    # The map's tiles are images from the tile server: allow its host (a "{s}" subdomain
    # placeholder becomes a wildcard) in the policy's img-src.
    from urllib.parse import urlsplit

    _tiles = urlsplit(MAP_TILE_URL.replace("{s}", "tiles-subdomain"))
    _tile_source = f"{_tiles.scheme}://{_tiles.netloc.replace('tiles-subdomain', '*')}"
    CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
        "img-src 'self' data:", f"img-src 'self' data: {_tile_source}", 1
    )
# Open contacts older than this are closed by the periodic job with outcome "not recorded".
CONTACT_ABANDON_AFTER_MINUTES = env.int("CONTACT_ABANDON_AFTER_MINUTES", default=120)
# Contacts recorded through the API (contacts.api): refused (400) when they start or end more
# than CONTACT_FUTURE_TOLERANCE_MINUTES in the future (clock differences), more than
# CONTACT_MAX_AGE_DAYS ago, or last longer than CONTACT_MAX_DURATION_MINUTES.
CONTACT_MAX_AGE_DAYS = env.int("CONTACT_MAX_AGE_DAYS", default=365)
CONTACT_MAX_DURATION_MINUTES = env.int("CONTACT_MAX_DURATION_MINUTES", default=480)
CONTACT_FUTURE_TOLERANCE_MINUTES = env.int("CONTACT_FUTURE_TOLERANCE_MINUTES", default=5)
# A verification pass made outside any contact holds for this long.
VERIFICATION_VALID_MINUTES = env.int("VERIFICATION_VALID_MINUTES", default=15)
# Security-question verification: failures allowed before it locks, and for how long.
VERIFICATION_MAX_FAILURES = env.int("VERIFICATION_MAX_FAILURES", default=3)
VERIFICATION_LOCK_MINUTES = env.int("VERIFICATION_LOCK_MINUTES", default=30)
# Off (the default): the agent is told pass or fail only, and which answers were wrong is neither
# shown, nor put in the activity feed, nor stored (saying it lets a caller guess one answer at a
# time). On: the verify page names them, the feed counts them and the attempt keeps their names.
VERIFICATION_REVEAL_WRONG_ANSWERS = env.bool("VERIFICATION_REVEAL_WRONG_ANSWERS", default=False)
# Key (pepper) for the salted HMAC of citizens' security answers; keep it out of the database
# and never rotate it without re-capturing answers.
SECURITY_ANSWER_KEY = env("SECURITY_ANSWER_KEY", default=SECRET_KEY)
BANK_HOLIDAY_NATION = env("BANK_HOLIDAY_NATION", default="ENG")  # ENG, WLS, SCT or NIR
REQUEST_AUTO_CLOSE_DAYS = env.int("REQUEST_AUTO_CLOSE_DAYS", default=14)
# Public form pages (/forms/…), per client address: pages a minute, posts a minute, uploads an
# hour (a post with files). 0 switches a limit off.
FORMS_RATE_LIMIT_PAGES = env.int("FORMS_RATE_LIMIT_PAGES", default=120)
FORMS_RATE_LIMIT_POSTS = env.int("FORMS_RATE_LIMIT_POSTS", default=60)
FORMS_RATE_LIMIT_UPLOADS = env.int("FORMS_RATE_LIMIT_UPLOADS", default=60)
# The other public pages' limits, per client address (core.ratelimit; 0 switches one off).
# Tracking links: pages a minute, posts (answers, "get updates") a minute, and links that lead
# nowhere an hour (guessing) — past that every tracking page answers 429 until the hour is up.
TRACKING_RATE_LIMIT_PAGES = env.int("TRACKING_RATE_LIMIT_PAGES", default=60)
TRACKING_RATE_LIMIT_POSTS = env.int("TRACKING_RATE_LIMIT_POSTS", default=10)
TRACKING_RATE_LIMIT_GUESSES = env.int("TRACKING_RATE_LIMIT_GUESSES", default=20)
# "Already reported?" follow requests an hour (each sends an email), public help pages a
# minute, public address searches a minute, Open311 reports a minute (per key, and per address
# for posts without a valid key).
REPORTED_RATE_LIMIT_FOLLOWS = env.int("REPORTED_RATE_LIMIT_FOLLOWS", default=10)
HELP_RATE_LIMIT_PER_MINUTE = env.int("HELP_RATE_LIMIT_PER_MINUTE", default=120)
ADDRESS_SEARCH_RATE_LIMIT_PER_MINUTE = env.int("ADDRESS_SEARCH_RATE_LIMIT_PER_MINUTE", default=60)
OPEN311_RATE_LIMIT_POSTS = env.int("OPEN311_RATE_LIMIT_POSTS", default=60)
# Person matching (citizens.matching): match weights (log2 odds of one person) at which a pair
# is "almost certainly", "probably" (blocks creating a record until the agent decides) and
# "possibly" (shown, not blocking) the same person. Measured in docs/performance.md.
MATCH_CERTAIN_SCORE = env.float("MATCH_CERTAIN_SCORE", default=8.0)
MATCH_PROBABLE_SCORE = env.float("MATCH_PROBABLE_SCORE", default=-2.0)
MATCH_POSSIBLE_SCORE = env.float("MATCH_POSSIBLE_SCORE", default=-8.0)
# The register-wide duplicate review starts again this many hours after the last one finished.
MATCH_REVIEW_EVERY_HOURS = env.int("MATCH_REVIEW_EVERY_HOURS", default=24)

# --- API ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Hashed API tokens (accounts.tokens), plus client systems' own refusals
        # (integration.access: switched off, address allow-list, requests a minute).
        "integration.access.ClientSystemTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.IsStaffMember"],
    # API_RATE_LIMIT_PER_MINUTE per token (core.ratelimit): 429 with Retry-After above it.
    "DEFAULT_THROTTLE_CLASSES": ["accounts.tokens.ApiRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.ContractSchema",
    # The API speaks JSON only: one body format to document, validate and test.
    "DEFAULT_PARSER_CLASSES": ["core.api.parsers.StrictJSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "core.api.exceptions.plain_exception_handler",
}
# API bodies may nest arrays and objects at most this deep (deeper bodies get a plain 400).
API_JSON_MAX_DEPTH = env.int("API_JSON_MAX_DEPTH", default=32)
# Imports link a row to an existing citizen on the matcher's "certain" band alone only when this
# is on: switch it on once that band's measured precision is at least 0.999.
IMPORT_AUTO_LINK_CERTAIN = env.bool("IMPORT_AUTO_LINK_CERTAIN", default=False)

# API tokens (accounts.ApiToken): requests a minute per token, how often its last-used time is
# written (seconds), and the expiry `create_api_token` gives when no --expires is given (days;
# 0 = never).
API_RATE_LIMIT_PER_MINUTE = env.int("API_RATE_LIMIT_PER_MINUTE", default=600)
API_TOKEN_LAST_USED_INTERVAL = env.int("API_TOKEN_LAST_USED_INTERVAL", default=60)
API_TOKEN_DEFAULT_EXPIRY_DAYS = env.int("API_TOKEN_DEFAULT_EXPIRY_DAYS", default=365)

# How long an API write's Idempotency-Key is remembered.
IDEMPOTENCY_KEY_HOURS = env.int("IDEMPOTENCY_KEY_HOURS", default=24)

SPECTACULAR_SETTINGS = {
    "TITLE": "Council CRM API",
    "DESCRIPTION": "Single view of the citizen: citizens, contacts, requests and their timeline.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_NAME_OVERRIDES": {
        "CitizenStatusEnum": "citizens.models.Citizen.Status",
        "ContactStatusEnum": "contacts.models.Contact.Status",
        "ServiceAccountKindEnum": "verification.models.ServiceAccount.Kind",
        "SubmissionStatusEnum": "forms_engine.models.filling.Submission.Status",
    },
    "COMPONENT_SPLIT_REQUEST": True,
    # The schema and docs are for signed-in staff and token holders, not the public internet.
    "SERVE_PERMISSIONS": ["core.api.permissions.IsStaffMember"],
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

# --- Logging ------------------------------------------------------------------------------
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"axes": {"level": "WARNING"}},
}
