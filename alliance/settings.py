"""The one settings file. Everything that differs between installs comes from the environment.

With no environment at all Alliance runs on an embedded SQLite database under ``var/`` and
listens on 127.0.0.1 only. ``ALLIANCE_ENV=production`` switches on the settings a server facing
a network needs (HTTPS-only cookies, HSTS, a secret key that must be supplied).
"""

import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url

from alliance.lib.encryption import encryption_keys_from_environment
from alliance.lib.env import env_bool, env_int, env_list, env_str
from alliance.lib.secret_key import load_or_create_secret_key

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("ALLIANCE_DATA_DIR", str(BASE_DIR.parent / "var")))

# Under pytest the default is "test" (static files straight from the source tree), so that a bare
# `pytest` works without any environment set.
ENVIRONMENT = env_str("ALLIANCE_ENV", "test" if "pytest" in sys.modules else "local")
if ENVIRONMENT not in {"local", "production", "test"}:
    raise ValueError(f"ALLIANCE_ENV must be local, production or test, got {ENVIRONMENT!r}")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("ALLIANCE_DEBUG", False)

if PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY")
    if not SECRET_KEY:
        raise ValueError("ALLIANCE_ENV=production needs SECRET_KEY (or SECRET_KEY_FILE) to be set")
    if len(SECRET_KEY) < 50:
        raise ValueError("SECRET_KEY (or SECRET_KEY_FILE) must hold at least 50 characters")
else:
    SECRET_KEY = env_str("SECRET_KEY") or load_or_create_secret_key(DATA_DIR / "secret_key")

# The keys of every encrypted field (private notes, session transcripts, conversation reports),
# newest first, from ALLIANCE_ENCRYPTION_KEYS (or its old name ALLIANCE_NOTE_KEYS): required in
# production. See docs/encryption.md.
ENCRYPTION_KEYS = encryption_keys_from_environment(production=PRODUCTION, data_dir=DATA_DIR)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_tasks_db",
    "alliance.runtime",
    "alliance.once",
    "alliance.accounts",
    "alliance.practice",
    "alliance.appointments",
    "alliance.sessions",
    "alliance.audit",
    "alliance.measures",
    "alliance.agreements",
    "alliance.goals",
    "alliance.signals",
    "alliance.conversation",
    "alliance.fhir",
    "alliance.clinic",
    "alliance.portal",
    "alliance.reminders",
    "alliance.administration",
    "alliance.demo",
]

MIDDLEWARE = [
    # First: an oversized body is refused before anything reads it (alliance/lib/request_limits.py).
    "alliance.lib.request_limits.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages middleware: it tells the person why they were signed out.
    "alliance.accounts.middleware.IdleLogoutMiddleware",
    # Signed-in answers are never cached (back button, shared machines).
    "alliance.accounts.middleware.NoStoreForSignedInMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Axes must come last so that it sees the outcome of the sign-in view.
    "axes.middleware.AxesMiddleware",
    # A DomainError a view lets through becomes the answer, in one place (lib/domain_errors.py).
    "alliance.lib.domain_errors.DomainErrorMiddleware",
]

ROOT_URLCONF = "alliance.urls"
WSGI_APPLICATION = "alliance.wsgi.application"

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
                "django.template.context_processors.csp",
                "alliance.runtime.context_processors.background",
                "alliance.accounts.context_processors.session_keeping",
                "alliance.once.context_processors.saved_submissions",
            ],
            # {% form_keys %} in every POST form: the CSRF token and a submission key.
            "builtins": ["alliance.once.templatetags.once"],
        },
    },
]

# --- Database: SQLite under DATA_DIR unless DATABASE_URL says otherwise -----------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'alliance.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers carry on while one writer writes; IMMEDIATE avoids "database is
        # locked" errors when two requests upgrade a read transaction to a write at once.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("ALLIANCE_SQLITE_TIMEOUT_SECONDS", 20),
    }
    DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
TEST_DATABASE_NAME = env_str("ALLIANCE_TEST_DATABASE_NAME")
if TEST_DATABASE_NAME:
    DATABASES["default"]["TEST"] = {"NAME": TEST_DATABASE_NAME}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: the live server's threads then each open their own connection, so
    # tests of concurrent requests are concurrent on SQLite too (an in-memory database would
    # be one connection shared by every thread).
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test_alliance.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and sign-in ----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# An emailed invitation to set a password (accounts/invitations.py) works for this long.
PASSWORD_RESET_TIMEOUT = env_int("ALLIANCE_INVITATION_DAYS", 7) * 24 * 3600
# A link to reset a forgotten password (accounts/passwords.py) works for this long, and once.
ALLIANCE_PASSWORD_RESET_HOURS = env_int("ALLIANCE_PASSWORD_RESET_HOURS", 2)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout after repeated failures (django-axes): an account is locked after too many wrong
# passwords from anywhere, and an address after too many wrong passwords on any accounts, so
# guessing cannot be spread across usernames.
AXES_FAILURE_LIMIT = env_int("ALLIANCE_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("ALLIANCE_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The person's address behind reverse proxies (see alliance/lib/client_ip.py); the audit trail
# uses the same function.
ALLIANCE_PROXY_COUNT = env_int("ALLIANCE_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "alliance.lib.client_ip.client_ip"

# Clinicians are signed out after this many idle minutes; clients keep their session longer
# because they mostly come back for a one-minute form.
IDLE_TIMEOUT_MINUTES = env_int("ALLIANCE_IDLE_TIMEOUT_MINUTES", 15)
SESSION_COOKIE_AGE = env_int("ALLIANCE_SESSION_HOURS", 12) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "alliance.lib.error_pages.csrf_failure"

# --- Security headers; the HTTPS-only ones when deployed behind TLS ----------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "style-src": ["'self'"],
    "script-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("ALLIANCE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("ALLIANCE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("ALLIANCE_HSTS_PRELOAD", True)
    if env_bool("ALLIANCE_BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Request bodies: refused over the limit before they are read; never spooled to disk ---------
MAX_REQUEST_BYTES = env_int("ALLIANCE_MAX_REQUEST_MB", 3) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES
# Uploads (transcripts) stay in memory: a session's words never land in a temporary file.
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]

# --- Static files: served by the app itself through WhiteNoise ---------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("ALLIANCE_STATIC_ROOT", str(DATA_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if ENVIRONMENT == "test":
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True

# Only for bench/: the product's URLs plus a baseline endpoint that inserts one row
# (bench/urls.py, outside the product package). Refused in production.
BENCH_ENDPOINTS = env_bool("ALLIANCE_BENCH_ENDPOINTS", False) and not PRODUCTION
if BENCH_ENDPOINTS:
    ROOT_URLCONF = "bench.urls"

# --- Background tasks (django.tasks with the database backend) ---------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# `alliance serve` runs the background worker(s) itself unless told not to (runtime/).
RUN_WORKER = env_bool("ALLIANCE_RUN_WORKER", True)
TASK_WORKERS = env_int("ALLIANCE_TASK_WORKERS", 1)
# Staff see a banner, and /healthz answers 503, when a task has waited longer than this.
QUEUE_STALL_MINUTES = env_int("ALLIANCE_QUEUE_STALL_MINUTES", 3)
# How often every open episode is evaluated again as time passes (a missed week is evidence).
REEVALUATE_MINUTES = env_int("ALLIANCE_REEVALUATE_MINUTES", 60)

# Extra instrument folders (comma-separated), e.g. for licensed instruments: docs/instruments.md.
ALLIANCE_INSTRUMENT_DIRS = env_list("ALLIANCE_INSTRUMENT_DIRS", [])

# --- Email: printed to the console unless an SMTP server is configured -------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_HOST,
                "port": env_int("EMAIL_PORT", 587),
                "username": env_str("EMAIL_USER"),
                "password": env_str("EMAIL_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
            },
        }
        if EMAIL_HOST
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}
if not EMAIL_HOST:
    # Printing email to the log is the documented behaviour of an install without a mail server
    # (Alliance sends no email it depends on), so `check --deploy` should not fail on it.
    SILENCED_SYSTEM_CHECKS = ["mail.E001"]
del EMAIL_HOST
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "alliance@localhost")
# The address people reach Alliance at, for links in emails (forms answered without signing in).
BASE_URL = env_str("ALLIANCE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
