"""One settings module for every environment, driven by environment variables.

`DEBUG=0` alone switches on the production-safe defaults; see README.md for every variable.
"""

from datetime import timedelta
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
    "rest_framework.authtoken",
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
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.SessionIdleTimeoutMiddleware",
    "core.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
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
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
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

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.Staff"

# --- Authentication and sessions ----------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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

# Sessions end after this many seconds without a request (and always when the browser closes).
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=10 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Lockout: at most AXES_FAILURE_LIMIT failures inside the cool-off window, then even the right
# password is refused until AXES_COOLOFF_MINUTES have passed (never a permanent lock).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0)

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
]
STORAGES = {
    # Uploaded evidence is private: it lives outside any public URL and is only served through
    # permission-checking views.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private"))},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
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
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
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
NOTIFY_BASE_URL = env("NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk")
NOTIFY_EMAIL_TEMPLATE_ID = env("NOTIFY_EMAIL_TEMPLATE_ID", default="")
NOTIFY_SMS_TEMPLATE_ID = env("NOTIFY_SMS_TEMPLATE_ID", default="")

# --- Domain settings ----------------------------------------------------------------------
COUNCIL_NAME = env("COUNCIL_NAME", default="Demo Borough Council")
# Where citizens reach the public pages (tracking links in messages): scheme, host, no path.
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")
# Open contacts older than this are closed by the periodic job with outcome "not recorded".
CONTACT_ABANDON_AFTER_MINUTES = env.int("CONTACT_ABANDON_AFTER_MINUTES", default=120)
# A verification pass made outside any contact holds for this long.
VERIFICATION_VALID_MINUTES = env.int("VERIFICATION_VALID_MINUTES", default=15)
# Security-question verification: failures allowed before it locks, and for how long.
VERIFICATION_MAX_FAILURES = env.int("VERIFICATION_MAX_FAILURES", default=3)
VERIFICATION_LOCK_MINUTES = env.int("VERIFICATION_LOCK_MINUTES", default=30)
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
        # API tokens, plus the scopes of client systems' tokens (integration.access).
        "integration.access.ClientSystemTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.IsStaffMember"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.ContractSchema",
    # The API speaks JSON only: one body format to document, validate and test.
    "DEFAULT_PARSER_CLASSES": ["core.api.parsers.StrictJSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "core.api.exceptions.plain_exception_handler",
}
# Imports link a row to an existing citizen on the matcher's "certain" band alone only when this
# is on: switch it on once that band's measured precision is at least 0.999.
IMPORT_AUTO_LINK_CERTAIN = env.bool("IMPORT_AUTO_LINK_CERTAIN", default=False)

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
