"""Settings for chiso: one file, configured from the environment.

The defaults run the demo province on SQLite with no configuration at all; production sets
``DATABASE_URL`` (PostgreSQL), ``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``DEBUG=0``.
See docs/configuration.md for every variable.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent


def envbool(name: str, default: str) -> bool:
    return os.environ.get(name, default).lower() in ("1", "true", "yes", "on")


def envint(name: str, default: str) -> int:
    return int(os.environ.get(name, default))


def envwhole(name: str, default: str) -> int | str:
    """``name`` as a whole number, or its text when it is not one: the system checks
    (chiso/core/checks.py) then refuse it naming the variable, instead of a traceback.
    Set but empty (``NAME=`` in an env or compose file) means the default, as for
    ``CHISO_OFFICE_HOURS`` and ``CHISO_RECEIPT_CUTOFF`` (docs/configuration.md)."""
    text = os.environ.get(name, "").strip() or default
    try:
        return int(text)
    except ValueError:
        return text


def envsecret(name: str, default: str = "") -> str:
    """Return the value of ``name``, or the contents of the file named by ``name_FILE``.

    The ``_FILE`` form lets a deployment keep secrets out of the process environment.
    """
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


DATA_DIR = Path(os.environ.get("CHISO_DATA_DIR", REPO_DIR / "var"))
DEBUG = envbool("DEBUG", "1")
SECRET_KEY = envsecret("SECRET_KEY", "dev-only-insecure-key-change-me" if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG=0.")
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "chiso.core",
    "chiso.accounts",
    "chiso.audit",
    "chiso.org",
    "chiso.frameworks",
    "chiso.results",
    "chiso.public",
    "chiso.facts",
    "chiso.reports",
    "chiso.assessments",
    "chiso.notifications",
    "chiso.dossiers",
    "chiso.surveys",
    "chiso.plans",
    "chiso.demo",
    "chiso.api",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # its templates and static files: the API docs page works offline
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "chiso.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "chiso.urls"
WSGI_APPLICATION = "chiso.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "chiso.core.context_processors.navigation",
                "chiso.notifications.context_processors.unread_count",
            ],
        },
    },
]

# Default database engine is SQLite, so a fresh clone runs with no configuration. WAL, a busy
# timeout and IMMEDIATE transactions keep the web process and batch commands from failing with
# "database is locked" when they write at the same time.
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "chiso.sqlite3"),
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "chiso.accounts.validators.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Vietnamese first, English second. Numbers use the decimal comma and dates dd/mm/yyyy
# (chiso/formats/vi/formats.py); times are shown in Vietnam time and stored in UTC.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS: list[Path] = []  # each app keeps its own locale/ catalogue
FORMAT_MODULE_PATH = ["chiso.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
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
# Serve static files straight from the apps when DEBUG (demo, tests); production runs collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = DATA_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# Largest evidence file (minh chứng) an agency may upload, in bytes.
CHISO_EVIDENCE_MAX_BYTES = envint("CHISO_EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024))
# Days a finished report job's file is kept before `chiso report_jobs cleanup` deletes it.
CHISO_REPORT_JOB_DAYS = envint("CHISO_REPORT_JOB_DAYS", "7")
# Minutes after which a report job still pending or running is marked failed (its process died);
# a whole number above 0, checked at start-up (chiso/core/checks.py).
CHISO_REPORT_JOB_TIMEOUT_MINUTES = envwhole("CHISO_REPORT_JOB_TIMEOUT_MINUTES", "30")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "1")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "1")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# E-mail: printed to the console in development; sent through the SMTP server below in
# production. Invitations carry respondents' addresses and personal answer links, which must
# never land in the server's logs (security review, session 3).
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "0")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "chiso@localhost")
# Absolute address of this installation, for links in e-mails and SMS: a loopback default in
# production would send every respondent a link that cannot work.
CHISO_BASE_URL = os.environ.get("CHISO_BASE_URL", "http://127.0.0.1:8000" if DEBUG else "")
if not CHISO_BASE_URL:
    raise ImproperlyConfigured("CHISO_BASE_URL (https://…) must be set when DEBUG=0.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.server": {"level": "WARNING"}} if not DEBUG else {},
}

# The demo's year of one-stop-shop dossiers (24 000, about 20 s to build); tests of other parts
# switch it off and build the dossiers themselves when they need them.
CHISO_DEMO_DOSSIERS = envbool("CHISO_DEMO_DOSSIERS", "1")

# Province this installation serves (shown in headers and reports).
PROVINCE_NAME = os.environ.get("CHISO_PROVINCE_NAME", "Tỉnh Phú Yên")

# Surveys' open link (docs/surveys.md): forms one address may start per hour, and how many
# proxies in front of chiso append to X-Forwarded-For (the n-th entry from the end is the
# client; 0 = ignore the header). Defaults: 1 behind the production TLS proxy, 0 in development.
SURVEY_OPEN_LINK_PER_HOUR = envint("CHISO_SURVEY_OPEN_LINK_PER_HOUR", "20")
SURVEY_TRUSTED_PROXIES = envint("CHISO_SURVEY_TRUSTED_PROXIES", "0" if DEBUG else "1")

# Survey invitations (chiso/surveys/actions/sending.py): e-mails per batch, pause between batches
# (seconds), most e-mails per run, most sendings per invitation (first one included) and the
# shortest gap between two sendings (hours), so a mail server's rate limits are respected.
SURVEY_SEND_BATCH = envint("CHISO_SURVEY_SEND_BATCH", "50")
SURVEY_SEND_PAUSE = envint("CHISO_SURVEY_SEND_PAUSE", "1")
SURVEY_SEND_LIMIT = envint("CHISO_SURVEY_SEND_LIMIT", "500")
SURVEY_MAX_SENDS = envint("CHISO_SURVEY_MAX_SENDS", "3")
SURVEY_REMINDER_GAP_HOURS = envint("CHISO_SURVEY_REMINDER_GAP_HOURS", "24")

# The one-stop clock (chiso/dossiers/conf.py, docs/configuration.md): office hours ("":
# 07:30-11:30,13:00-17:00), the time after which a dossier counts from the next working day
# ("": the close of office), and the minutes after which a background recompute still waiting
# or running is marked failed. Checked at start-up (chiso/core/checks.py).
DOSSIERS_OFFICE_HOURS = os.environ.get("CHISO_OFFICE_HOURS", "").strip()
DOSSIERS_RECEIPT_CUTOFF = os.environ.get("CHISO_RECEIPT_CUTOFF", "").strip()
DOSSIERS_RECOMPUTE_TIMEOUT_MINUTES = envwhole("CHISO_RECOMPUTE_TIMEOUT_MINUTES", "60")

# Plan task deadlines count "working" days on the dossiers' working calendar (public holidays,
# announced day swaps) or plain "calendar" days (docs/plans.md).
PLANS_DEADLINE_DAYS = os.environ.get("CHISO_PLANS_DEADLINE_DAYS", "working")
