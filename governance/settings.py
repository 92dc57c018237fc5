"""Tandem settings: one module, every deploy-time value from the environment.

With no environment set, Tandem runs the *embedded default*: SQLite and Celery's
filesystem transport under ``var/``, e-mail written to files under ``var/mail``.
``DATABASE_URL`` (PostgreSQL) and ``CELERY_BROKER_URL`` (Redis) select the
production stack. A value that cannot be parsed stops start-up with a message
naming the variable, rather than being silently replaced by a default.

This module is what every process runs with, whatever it has imported: it knows
nothing of tests. The test suite runs with ``governance.settings_test`` (named
in pytest.ini), which imports this module and loosens what tests need.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TANDEM_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

# Commands that only read the code, the schema or the static files sign nothing
# that outlives them, so they run without the secret: on a fresh checkout, or in
# an image build (collectstatic). ``check --deploy`` is not one of them.
KEYLESS_COMMANDS = {"makemigrations", "migrate", "showmigrations", "sqlmigrate", "collectstatic", "check"}


def keyless_command(argv: list[str]) -> bool:
    return (
        len(argv) > 1 and Path(argv[0]).name == "manage.py" and argv[1] in KEYLESS_COMMANDS and "--deploy" not in argv
    )


SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if SECRET_KEY is None:
    if DEBUG:
        SECRET_KEY = "django-insecure-local-development-only-never-in-production"
    elif keyless_command(sys.argv):
        import secrets

        SECRET_KEY = secrets.token_urlsafe(50)  # this process only, never stored
    else:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off. "
            'Generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))"'
        )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("TANDEM_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "common",
    "governance",
    "projects",
    "raci",
    "scorecards",
    "alignment",
    "inventory",
    "intake",
    "roadmap",
    "committee",
    "overview",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "integrations",
    "calendars",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "governance.security.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "governance.security.SessionLifetimeMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # DEBUG only: the product's 404 rather than Django's list of URL patterns (TANDEM_DEBUG_TECHNICAL_404).
    "governance.debug_pages.ProductNotFoundMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Under DEBUG a 404 is the product's page too; true shows Django's technical 404 (every URL pattern).
TANDEM_DEBUG_TECHNICAL_404 = env_bool("TANDEM_DEBUG_TECHNICAL_404", False)

ROOT_URLCONF = "governance.urls"
WSGI_APPLICATION = "governance.wsgi.application"
ASGI_APPLICATION = "governance.asgi.application"

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
                "governance.oidc.views.login_options",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    try:
        DATABASES = {
            "default": dj_database_url.parse(
                DATABASE_URL,
                conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
                conn_health_checks=True,
            )
        }
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {error}") from None
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # An unreachable host (not merely a stopped server) must fail in seconds,
        # not hang a request, a worker or the /health/ probe for minutes.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
            "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5, minimum=1)
        )
        # PostgreSQL's JIT compiles a query plan when its estimated cost is high:
        # on Tandem's short OLTP queries over a large portfolio, compiling took
        # 1-2 s for queries that run in under a millisecond (docs/benchmarks.md).
        # Off per connection unless DATABASE_PG_JIT=on.
        if not env_bool("DATABASE_PG_JIT", False):
            DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("TANDEM_SQLITE_PATH", str(VAR_DIR / "db.sqlite3")),
            "OPTIONS": {
                # Web, worker and beat share one file: WAL lets readers run
                # beside a writer, IMMEDIATE avoids lock-upgrade deadlocks.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # A file, not memory, so Celery worker processes started by the
            # tests share the test database; one per test process.
            "TEST": {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "governance.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes' gate first: a locked-out login is refused before any password is checked.
AUTHENTICATION_BACKENDS = [
    "governance.security.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# --- Single sign-on (OpenID Connect; governance/oidc, docs/sso.md) --------------------------
# Off unless TANDEM_OIDC_* is set. Nothing is fetched from the provider at start-up.
from governance.oidc import config as oidc_config  # noqa: E402

TANDEM_OIDC = oidc_config.parse(os.environ)
TANDEM_PASSWORD_LOGIN = oidc_config.password_login(os.environ, TANDEM_OIDC)
# With password login off, Django's password check goes: the admin's login form cannot sign anyone in.
AUTHENTICATION_BACKENDS = oidc_config.backends(AUTHENTICATION_BACKENDS, TANDEM_OIDC, TANDEM_PASSWORD_LOGIN)
OIDC_RP_CLIENT_ID = TANDEM_OIDC.client_id
OIDC_RP_SCOPES = TANDEM_OIDC.scopes
OIDC_USE_PKCE = TANDEM_OIDC.use_pkce
OIDC_TIMEOUT = TANDEM_OIDC.timeout
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_callback"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TANDEM_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files (vendored under static/, served by WhiteNoise) ------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security (secure unless DEBUG is on) ------------------------------------------
SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", SECURE)
TANDEM_BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TANDEM_BEHIND_PROXY else None
# Behind a proxy, the client's address is this many X-Forwarded-For entries from the right
# (governance.security.client_ip): 1 when one load balancer appends it.
TANDEM_PROXY_HOPS = env_int("TANDEM_PROXY_HOPS", 1, minimum=1)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", SECURE)
CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", SECURE)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", SECURE)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", SECURE)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# --- Login protection (django-axes, governance.security; docs/security.md) ---------------
# A username tried from one address is locked after this many failures within the cool-off;
# another person at the same address (an office behind one proxy) is not.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("TANDEM_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("TANDEM_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
# An address failing this often within the cool-off, whatever the usernames, is locked as a whole.
TANDEM_LOGIN_IP_FAILURE_LIMIT = env_int("TANDEM_LOGIN_IP_FAILURE_LIMIT", 100, minimum=1)
AXES_HANDLER = "governance.security.LoginThrottleHandler"
AXES_CLIENT_IP_CALLABLE = "governance.security.client_ip"
AXES_LOCKOUT_CALLABLE = "governance.security.lockout_response"
AXES_RESET_ON_SUCCESS = True  # logging in clears that person's failures at that address
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False  # no start-up banner in every command; lockouts are still logged

# --- Sessions -----------------------------------------------------------------------
# Idle limit: a session unused this long is gone. Use moves its expiry on, at most once
# per refresh interval (governance.security.SessionLifetimeMiddleware), not a write per request.
SESSION_COOKIE_AGE = env_int("TANDEM_SESSION_IDLE_HOURS", 8, minimum=1) * 3600
TANDEM_SESSION_REFRESH_SECONDS = min(300, SESSION_COOKIE_AGE // 10)
# Absolute limit, however active (governance.security.SessionLifetimeMiddleware).
TANDEM_SESSION_MAX_DAYS = env_int("TANDEM_SESSION_MAX_DAYS", 14, minimum=1)

# --- Content-Security-Policy (django-csp) and Permissions-Policy ---------------------------
# Sent always, in DEBUG too, so development and the browser tests see what production
# enforces: scripts and styles only from Tandem's own static files, no inline code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        # Logging out may redirect to the SSO provider's end-session page.
        "form-action": [SELF, *oidc_config.form_action_origins(TANDEM_OIDC)],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
# Browser features no page uses (governance.security.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY_DISABLED = [
    "accelerometer",
    "camera",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "payment",
    "usb",
]

# --- The REST API (api/, docs/api.md) -----------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",  # enforces CSRF
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ActiveUserWithTokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerTokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": env_str("TANDEM_API_RATE", "600/minute")},
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tandem API",
    "DESCRIPTION": "Projects, steps, RACI matrices, scorecards and the portfolio of Tandem (docs/api.md).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ProjectStatusEnum": "projects.models.ProjectStatus",
        "StepStatusEnum": "projects.models.StepStatus",
        "SideEnum": "governance.models.Side",
        "ToolStatusEnum": "inventory.models.ToolStatus",
        "IntakeStateEnum": "intake.states.State",
        "RoadmapMarkEnum": "roadmap.models.Mark",
        "AgendaItemKindEnum": "committee.models.ItemKind",
    },
}

# --- E-mail -------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("TANDEM_FROM_EMAIL", "Tandem <tandem@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
else:
    # The embedded default: a newcomer reads reminders as files under var/mail.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = Path(env_str("TANDEM_EMAIL_FILE_PATH", str(VAR_DIR / "mail")))
# An explicit backend wins (the Celery-worker tests use a slow file backend).
EMAIL_BACKEND = env_str("TANDEM_EMAIL_BACKEND", EMAIL_BACKEND)

# --- Celery ------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _queue = VAR_DIR / "celery" / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue),
        "data_folder_out": str(_queue),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=60),
        # A Redis that stops answering is noticed in seconds, not at the OS's TCP timeout.
        "socket_connect_timeout": 5,
        "socket_timeout": 30,
        "health_check_interval": 25,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600, minimum=10)
CELERY_TASK_SOFT_TIME_LIMIT = max(CELERY_TASK_TIME_LIMIT - 30, 5)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TASK_DEFAULT_QUEUE = env_str("TANDEM_CELERY_QUEUE", "celery")
# A broker outage (docs/reliability.md, "When Redis goes away"): workers and beat
# wait it out and reconnect by themselves, at start-up too; a task already
# running finishes (its work is in the database, not the broker) and, as its
# late ack cannot reach the broker, is redelivered later, which is harmless:
# every task here is idempotent (the database decides what is sent).
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None  # never give up
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# Publishing (beat's ticks, a project's reminder after a commit) rides out a
# broker blip of a few seconds; a longer outage loses the tick, and the next
# tick (TANDEM_REMINDER_SWEEP_SECONDS later) catches up.
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 4, "interval_start": 0.5, "interval_step": 1.0, "interval_max": 2.0}

# --- Reminders (raci.reminder_*) --------------------------------------------------
# How often beat sweeps for steps with no Accountable person. Often, because a
# sweep is idempotent per period (it sends only what is due and not yet sent)
# and cheap when nothing is due, so a tick lost while the broker was down is
# caught up by the next one minutes later. TANDEM_REMINDER_SWEEP_SECONDS, when
# set, wins (the fault tests sweep every few seconds).
TANDEM_REMINDER_SWEEP_MINUTES = env_int("TANDEM_REMINDER_SWEEP_MINUTES", 5, minimum=1)
TANDEM_REMINDER_SWEEP_SECONDS = env_int("TANDEM_REMINDER_SWEEP_SECONDS", TANDEM_REMINDER_SWEEP_MINUTES * 60, minimum=1)
# Beat queues one sweep as it starts (governance.celery), so a fresh `make run` reminds within seconds.
TANDEM_REMINDER_SWEEP_ON_START = env_bool("TANDEM_REMINDER_SWEEP_ON_START", True)
# A not-yet-started step is chased once it is due within this many days.
TANDEM_REMINDER_DUE_WITHIN_DAYS = env_int("TANDEM_REMINDER_DUE_WITHIN_DAYS", 14)
# Sponsors are added once a step stays unowned this long after its first reminder.
TANDEM_REMINDER_ESCALATE_AFTER_DAYS = env_int("TANDEM_REMINDER_ESCALATE_AFTER_DAYS", 3)
# At most one reminder per step and person per period.
TANDEM_REMINDER_PERIOD_HOURS = env_int("TANDEM_REMINDER_PERIOD_HOURS", 24, minimum=1)
# A run that would e-mail more people than this is held for an administrator.
TANDEM_REMINDER_MAX_RECIPIENTS = env_int("TANDEM_REMINDER_MAX_RECIPIENTS", 100, minimum=1)
# A claim older than this (its worker presumably died) is taken over by the next run.
TANDEM_REMINDER_CLAIM_TIMEOUT_SECONDS = env_int(
    "TANDEM_REMINDER_CLAIM_TIMEOUT_SECONDS", CELERY_TASK_TIME_LIMIT + 60, minimum=1
)
# One digest lists at most this many steps ("and 980 more" links to My work), so
# the e-mail stays readable for the person chased for a whole portfolio.
TANDEM_DIGEST_MAX_STEPS = env_int("TANDEM_DIGEST_MAX_STEPS", 25, minimum=1)
TANDEM_REMINDER_FROM_EMAIL = env_str("TANDEM_REMINDER_FROM_EMAIL", DEFAULT_FROM_EMAIL)
# How long a sweep retries a database write (recording a send) before giving up on it.
TANDEM_REMINDER_DB_RETRY_SECONDS = env_int("TANDEM_REMINDER_DB_RETRY_SECONDS", 60, minimum=0)
# How often beat stores the summaries of alignment rounds that closed by time passing.
TANDEM_ROUND_SUMMARY_MINUTES = env_int("TANDEM_ROUND_SUMMARY_MINUTES", 15, minimum=1)
CELERY_BEAT_SCHEDULE = {
    "sweep-unowned-steps": {
        "task": "raci.tasks.sweep_unowned_steps",
        "schedule": float(TANDEM_REMINDER_SWEEP_SECONDS),
        # A sweep that could not start within one interval is superseded by the next.
        "options": {"expires": float(TANDEM_REMINDER_SWEEP_SECONDS)},
    },
    # Rounds that close by time passing get their stored summary (alignment.summaries).
    "store-round-summaries": {
        "task": "alignment.tasks.store_round_summaries",
        "schedule": TANDEM_ROUND_SUMMARY_MINUTES * 60.0,
        "options": {"expires": TANDEM_ROUND_SUMMARY_MINUTES * 60.0},
    },
}

# --- Webhooks, Slack and Teams (integrations; docs/webhooks.md) ------------------------
# One HTTP attempt waits at most this long for the receiver's answer.
TANDEM_WEBHOOKS_TIMEOUT_SECONDS = env_int("TANDEM_WEBHOOKS_TIMEOUT_SECONDS", 5, minimum=1)
# A failed delivery is retried after base × 2^(attempt-1) seconds (capped), up to this many attempts.
TANDEM_WEBHOOKS_RETRY_BASE_SECONDS = env_int("TANDEM_WEBHOOKS_RETRY_BASE_SECONDS", 30, minimum=1)
TANDEM_WEBHOOKS_RETRY_MAX_SECONDS = env_int("TANDEM_WEBHOOKS_RETRY_MAX_SECONDS", 6 * 3600, minimum=1)
TANDEM_WEBHOOKS_MAX_ATTEMPTS = env_int("TANDEM_WEBHOOKS_MAX_ATTEMPTS", 8, minimum=1)
# A subscription or chat channel is disabled (and its owner e-mailed) after this many failures in a row.
TANDEM_WEBHOOKS_DISABLE_AFTER = env_int("TANDEM_WEBHOOKS_DISABLE_AFTER", 10, minimum=1)
# Deliveries to loopback, private, link-local and other non-public addresses are refused unless
# this is true (local development and the test suite's receivers on 127.0.0.1 only).
TANDEM_WEBHOOKS_ALLOW_PRIVATE = env_bool("TANDEM_WEBHOOKS_ALLOW_PRIVATE", False)
# "Step unowned for N days" is announced once per step and unowned spell.
TANDEM_WEBHOOKS_UNOWNED_DAYS = env_int("TANDEM_WEBHOOKS_UNOWNED_DAYS", 7, minimum=1)
# Chat messages are batched: a channel is posted to once no new event came for this many seconds
# (or once its oldest waiting event is TANDEM_CHAT_MAX_WAIT_SECONDS old, whichever is first).
TANDEM_CHAT_QUIET_SECONDS = env_int("TANDEM_CHAT_QUIET_SECONDS", 60, minimum=1)
TANDEM_CHAT_MAX_WAIT_SECONDS = env_int("TANDEM_CHAT_MAX_WAIT_SECONDS", 300, minimum=1)
TANDEM_INTEGRATIONS_SWEEP_SECONDS = env_int("TANDEM_INTEGRATIONS_SWEEP_SECONDS", 60, minimum=1)
CELERY_BEAT_SCHEDULE.update(
    {
        # Deliveries due for a retry, or claimed by a worker that died, and chat batches that went quiet.
        "integrations-sweep": {
            "task": "integrations.tasks.sweep",
            "schedule": float(TANDEM_INTEGRATIONS_SWEEP_SECONDS),
            "options": {"expires": float(TANDEM_INTEGRATIONS_SWEEP_SECONDS)},
        },
        "integrations-unowned-steps": {
            "task": "integrations.tasks.announce_unowned_steps",
            "schedule": 3600.0,
            "options": {"expires": 3600.0},
        },
    }
)

# --- Logging ----------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("TANDEM_LOG_LEVEL", "INFO")},
    # django-axes logs every login at INFO; its lockouts are WARNINGs.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# The embedded default keeps its state under var/; create only what it uses.
if not DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
if not EMAIL_HOST:
    EMAIL_FILE_PATH.mkdir(parents=True, exist_ok=True)
if CELERY_BROKER_URL == "filesystem://":
    for _folder in ("celery/queue", "celery/processed", "celery/control"):
        (VAR_DIR / _folder).mkdir(parents=True, exist_ok=True)
