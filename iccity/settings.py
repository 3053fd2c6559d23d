"""Django settings for iccity.

Defaults give a working embedded setup (SQLite under ``var/``); production overrides through environment variables:
``DATABASE_URL`` (PostgreSQL), ``ICCITY_SECRET_KEY``, ``ICCITY_DEBUG``, ``ICCITY_ALLOWED_HOSTS``.
"""
from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("ICCITY_VAR_DIR", PROJECT_DIR / "var"))


def _secret_key() -> str:
    """Read the key from the environment, else keep one generated per installation under var/ (never in git)."""
    key = os.environ.get("ICCITY_SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        from django.utils.crypto import get_random_string

        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key = get_random_string(64)
        path.write_text(key)
        path.chmod(0o600)
        return key


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("ICCITY_DEBUG", "1") == "1"
ALLOWED_HOSTS = os.environ.get("ICCITY_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # serves Swagger UI from its own wheel, so /api/docs works offline
    "iccity.core",
    "iccity.orgs",
    "iccity.ops",  # production: job registry, worker, backups (below the apps that register jobs)
    "iccity.plans",
    "iccity.delivery",
    "iccity.indicators",
    "iccity.complaints",
    "iccity.evaluation",
    "iccity.reports",
    "iccity.consumption",
    "iccity.places",
    "iccity.events",
    "iccity.surveys",
    "iccity.credit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "iccity.urls"
WSGI_APPLICATION = "iccity.wsgi.application"

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
                "iccity.core.context_processors.demo_data",
            ],
        },
    },
]

_default_sqlite = f"sqlite:///{VAR_DIR / 'iccity.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL") or _default_sqlite, conn_max_age=60)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL + busy timeout: concurrent writers wait instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    # A file, not memory: concurrency tests need two connections to see the same test database, as in production.
    # One file per process, so test runs side by side (developers, helpers) never share a database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-iccity-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request when it is missing
WHITENOISE_USE_FINDERS = DEBUG  # serve app static files without collectstatic while developing and testing
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"

LOGIN_URL = "delivery:login"

# Uploaded plan documents larger than this are refused before parsing.
ICCITY_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Systems that push indicator data: "name:sha256hex,…" (hash a key with iccity.indicators.api.hash_api_key).
ICCITY_INDICATOR_API_KEYS = {
    digest.strip().lower(): name.strip()
    for name, _, digest in (item.rpartition(":") for item in os.environ.get("ICCITY_INDICATOR_API_KEYS", "").split(",") if item.strip())
}

# Mail for notices (催办单 etc.); the channel's address is the recipient.
EMAIL_HOST = os.environ.get("ICCITY_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("ICCITY_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("ICCITY_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ICCITY_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("ICCITY_EMAIL_TLS") == "1"
EMAIL_USE_SSL = os.environ.get("ICCITY_EMAIL_SSL") == "1"
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("ICCITY_EMAIL_FROM", "iccity@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ICCITY_LOG_LEVEL", "WARNING")},
}

# Consumption feeds: Parquet partitions, rollups and the manifest live here; the database keeps only the catalogue.
ICCITY_CONSUMPTION_DIR = Path(os.environ.get("ICCITY_CONSUMPTION_DIR", VAR_DIR / "consumption"))

# Optional map tiles under the 商圈 map, e.g. 天地图 with a key ({z}/{x}/{y} template); empty = boundaries only,
# no outside requests.
ICCITY_MAP_TILE_URL = os.environ.get("ICCITY_MAP_TILE_URL", "")

# --- operations (helper "ops"): backups written by ``iccity backup`` (and the worker's nightly job) ---
ICCITY_BACKUP_DIR = Path(os.environ.get("ICCITY_BACKUP_DIR", VAR_DIR / "backups"))
ICCITY_BACKUP_KEEP = int(os.environ.get("ICCITY_BACKUP_KEEP", "14"))  # archives kept; older ones are deleted
# ICCITY_BACKUP_KEY (read at run time, never stored in settings): passphrase that turns on backup encryption.
