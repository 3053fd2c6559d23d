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

# Production serving (web): `iccity serve` (gunicorn), hashed static files, shared cache, health, metrics, JSON logs.
# docs/deploy.md lists every variable. Security headers, HSTS and the DEBUG default belong to the security settings.
import ipaddress as _ipaddress  # noqa: E402
import sys as _sys  # noqa: E402

INSTALLED_APPS += ["django_prometheus", "iccity.serving"]
MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "iccity.serving.middleware.ProxyMiddleware",  # REMOTE_ADDR from our nginx's X-Real-IP, before anything reads it
    "iccity.serving.middleware.RequestIdMiddleware",
    *MIDDLEWARE,
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]
# Reverse proxies whose X-Real-IP / X-Request-ID / X-Forwarded-Proto are believed (addresses or networks, comma-separated).
ICCITY_TRUSTED_PROXIES = [
    _ipaddress.ip_network(item.strip(), strict=False)
    for item in os.environ.get("ICCITY_TRUSTED_PROXIES", "").split(",") if item.strip()
]
if os.environ.get("ICCITY_PROXY_SSL_HEADER"):
    # The header our nginx sets itself (X-Forwarded-Proto, deploy/nginx/iccity.conf); the same reading as the
    # security settings' block ("1" is accepted as X-Forwarded-Proto).
    _proto_header = os.environ["ICCITY_PROXY_SSL_HEADER"]
    _proto_header = "X-Forwarded-Proto" if _proto_header == "1" else _proto_header
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proto_header.upper().replace("-", "_"), "https")
# Persistent connections are pinged before reuse: after a PostgreSQL restart the first request reconnects, not 500s.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("ICCITY_DB_CONN_MAX_AGE", DATABASES["default"]["CONN_MAX_AGE"]))

# One cache for all processes and servers when Redis is there: rate limits, lockouts, sessions, page fragments.
ICCITY_REDIS_URL = os.environ.get("ICCITY_REDIS_URL", "")
if ICCITY_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": ICCITY_REDIS_URL,
            "KEY_PREFIX": os.environ.get("ICCITY_CACHE_PREFIX", "iccity"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    # Only with a shared cache: a per-process cache would keep a logged-out session alive in the other processes.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "iccity"}}

# Hashed, pre-compressed static files (collectstatic writes name.<hash>.css plus .gz); nginx and WhiteNoise cache
# them for a year. Not under pytest: tests and browser tests find static files through the finders, uncollected.
if not DEBUG and "pytest" not in _sys.modules:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "iccity.serving.storage.StaticStorage"},
    }
ICCITY_STATIC_BROTLI = os.environ.get("ICCITY_STATIC_BROTLI") == "1"


def _largest_upload_limit() -> int:
    """The largest request body any endpoint accepts: every *UPLOAD*BYTES* setting (numbers or per-endpoint dicts)
    and DATA_UPLOAD_MAX_MEMORY_SIZE. nginx's client_max_body_size must equal it (a test compares them)."""
    sizes = [DATA_UPLOAD_MAX_MEMORY_SIZE]
    for name, value in globals().items():
        if name.isupper() and "UPLOAD" in name and "BYTES" in name:
            sizes.extend(value.values() if isinstance(value, dict) else [value])
    return max(int(size) for size in sizes if isinstance(size, (int, float)))


ICCITY_MAX_REQUEST_BODY_BYTES = _largest_upload_limit()

# /metrics answers loopback requests, or others with "Authorization: Bearer <token>".
ICCITY_METRICS_TOKEN = os.environ.get("ICCITY_METRICS_TOKEN", "")
# /healthz fails below this much free disk (and warns below twice this).
ICCITY_HEALTH_MIN_FREE_MB = int(os.environ.get("ICCITY_HEALTH_MIN_FREE_MB", "500"))

if os.environ.get("ICCITY_LOG_JSON") == "1":
    LOGGING["formatters"] = {"json": {"()": "iccity.serving.jsonlog.JsonFormatter"}}
    LOGGING["handlers"]["console"]["formatter"] = "json"
