"""Django settings for iccity.

Defaults give a working embedded setup (SQLite under ``var/``); production overrides through environment variables:
``DATABASE_URL`` (PostgreSQL), ``ICCITY_SECRET_KEY``, ``ICCITY_DEBUG``, ``ICCITY_ALLOWED_HOSTS``.
"""
from __future__ import annotations

import os
import sys
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
# The test client and the browser tests' live server speak plain HTTP and read uncollected static files: under pytest
# the TLS-only settings and the hashed static storage stay off. Processes the tests start (gunicorn, check --deploy)
# are not under pytest and get production settings, which their tests check.
_UNDER_PYTEST = "pytest" in sys.modules
DEBUG = os.environ.get("ICCITY_DEBUG", "0") == "1"  # production unless explicitly on (make run sets ICCITY_DEBUG=1)
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
    "iccity.workspaces",  # desks per role: registry filled by the apps above
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
    "iccity.portal",  # top layer: the public portal reads every domain app, nothing imports it
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
                "iccity.workspaces.context_processors.workspaces",
            ],
        },
    },
]

def _test_database_name(database: dict) -> str:
    """The test database is named after a digest of the migrations, so ``--reuse-db`` keeps it exactly while the
    schema is the same and a changed migration gets a fresh one (pytest-xdist adds _gw0, _gw1… per worker)."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(BASE_DIR.glob("*/migrations/*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    tag = digest.hexdigest()[:10]
    if database["ENGINE"].endswith("sqlite3"):
        return str(VAR_DIR / f"test-iccity-{tag}.sqlite3")
    return f"test_{database['NAME']}_{tag}"


_default_sqlite = f"sqlite:///{VAR_DIR / 'iccity.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL") or _default_sqlite, conn_max_age=60)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL + busy timeout: concurrent writers wait instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
# SQLite tests use a file, not memory: concurrency tests need two connections to see the same test database.
DATABASES["default"]["TEST"] = {"NAME": _test_database_name(DATABASES["default"])}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
# Chinese only: the pages are written in Chinese, so a browser asking for English must not get Django's own messages
# ("This field is required.") in English inside Chinese pages.
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request when it is missing
WHITENOISE_USE_FINDERS = DEBUG or _UNDER_PYTEST  # serve app static files without collectstatic while developing and testing
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"

LOGIN_URL = "delivery:login"

# Uploaded plan documents larger than this are refused before parsing.
ICCITY_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# -- uploads (issue 12 item 3): per-endpoint limits enforced while the body streams; files go to disk, never memory.
# Limits per URL name: each app registers its endpoints (core.upload_handlers.register_limit in AppConfig.ready());
# override with ICCITY_UPLOAD_LIMITS.
FILE_UPLOAD_HANDLERS = ["iccity.core.upload_handlers.LimitedUploadHandler"]
FILE_UPLOAD_TEMP_DIR = VAR_DIR / "uploads-tmp"  # swept by `iccity sweep_uploads`; not under media/
FILE_UPLOAD_TEMP_DIR.mkdir(parents=True, exist_ok=True)
MIDDLEWARE = [*MIDDLEWARE, "iccity.core.upload_handlers.UploadLimitMiddleware"]  # after auth: refusals are audited

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

# Production security (issue 12: headers and cookies). Production is what you get unless ICCITY_DEBUG=1.
# TLS ends at nginx, which must set X-Forwarded-Proto itself (overwriting the client's): name that header in
# ICCITY_PROXY_SSL_HEADER (e.g. X-Forwarded-Proto) so Django trusts it and does not redirect HTTPS requests again.
# Under pytest the test client and the browser tests' live server speak plain HTTP, so the TLS-only settings (redirect,
# HSTS, Secure cookies) stay off there; iccity/core/tests/test_security_headers.py checks them in a production process.
_TLS_ONLY = not DEBUG and not _UNDER_PYTEST
SECURE_SSL_REDIRECT = _TLS_ONLY
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if _TLS_ONLY else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True  # only the directive; entering the preload list is the domain owner's separate decision
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _TLS_ONLY
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True  # no script reads them: pages carry the CSRF token themselves
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
if os.environ.get("ICCITY_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + os.environ["ICCITY_PROXY_SSL_HEADER"].upper().replace("-", "_"), "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy without inline script (iccity.core.security); the tile server's origin joins img-src.
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                  "iccity.core.security.ContentSecurityPolicyMiddleware")

# Identity (issue 12: one login/logout, brute-force lockout, password policy, session timeouts, TOTP, optional OIDC).
# Policy values (lockout thresholds, session idle/absolute limits, password strength) are core.Rule rows, see
# iccity/core/identity_rules.py; these settings only wire the packages to them.
INSTALLED_APPS += ["axes", "django_otp", "django_otp.plugins.otp_totp"]
MIDDLEWARE += [
    "django_otp.middleware.OTPMiddleware",                # request.user.is_verified() after the TOTP step
    "iccity.core.middleware_auth.IdentityMiddleware",     # session limits, TOTP required, forced password change
    "axes.middleware.AxesMiddleware",                      # turns a lockout into the Chinese lockout page
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out accounts and clients before the password check
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workspaces:home"  # each person lands on their desk (office, task force, leader, unit)
AXES_HANDLER = "iccity.core.identity.LockoutHandler"      # separate limits per account and per client (from the rule)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]     # each counted on its own: one account, one client
AXES_FAILURE_LIMIT = "iccity.core.identity.lockout_failure_limit"
AXES_COOLOFF_TIME = "iccity.core.identity.lockout_cooloff"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False      # a locked client cannot keep extending its own lock
AXES_LOCKOUT_CALLABLE = "iccity.core.views_auth.locked_out"
AXES_SENSITIVE_PARAMETERS = ["password", "old_password", "new_password1", "new_password2", "otp_token", "token"]
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False  # core registers an audited admin for lockouts instead (deleting a row = an audited unlock)
# Behind a reverse proxy set ICCITY_PROXY_COUNT (e.g. 1) so the client address comes from X-Forwarded-For.
AXES_IPWARE_PROXY_COUNT = int(os.environ["ICCITY_PROXY_COUNT"]) if os.environ.get("ICCITY_PROXY_COUNT") else None
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "iccity.core.password_validation.MinimumLengthValidator"},
    {"NAME": "iccity.core.password_validation.UsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "iccity.core.password_validation.StrengthValidator"},
]
# The browser session never outlives the rule's absolute lifetime; the rule itself is enforced per request.
SESSION_COOKIE_AGE = 12 * 60 * 60
OTP_TOTP_ISSUER = "iccity 西青区"
# TOTP is required for office admins and staff. Tests that do not exercise it turn it off (conftest.py).
ICCITY_OTP_REQUIRED = os.environ.get("ICCITY_OTP_REQUIRED", "1") == "1"
# Optional OpenID Connect login to a government identity provider: off unless all ICCITY_OIDC_* below are set.
ICCITY_OIDC_ENABLED = all(os.environ.get(f"ICCITY_OIDC_{name}") for name in (
    "CLIENT_ID", "CLIENT_SECRET", "AUTHORIZATION_ENDPOINT", "TOKEN_ENDPOINT", "USER_ENDPOINT", "JWKS_ENDPOINT"))
if ICCITY_OIDC_ENABLED:
    AUTHENTICATION_BACKENDS += ["iccity.core.oidc.GovernmentOIDCBackend"]
    OIDC_RP_CLIENT_ID = os.environ["ICCITY_OIDC_CLIENT_ID"]
    OIDC_RP_CLIENT_SECRET = os.environ["ICCITY_OIDC_CLIENT_SECRET"]
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ["ICCITY_OIDC_AUTHORIZATION_ENDPOINT"]
    OIDC_OP_TOKEN_ENDPOINT = os.environ["ICCITY_OIDC_TOKEN_ENDPOINT"]
    OIDC_OP_USER_ENDPOINT = os.environ["ICCITY_OIDC_USER_ENDPOINT"]
    OIDC_OP_JWKS_ENDPOINT = os.environ["ICCITY_OIDC_JWKS_ENDPOINT"]
    OIDC_RP_SIGN_ALGO = os.environ.get("ICCITY_OIDC_SIGN_ALGO", "RS256")
    OIDC_RP_SCOPES = "openid profile email"
    OIDC_CREATE_USER = False  # the provider proves who someone is; iccity decides whether they have an account
    OIDC_USERNAME_CLAIM = os.environ.get("ICCITY_OIDC_USERNAME_CLAIM", "preferred_username")
    OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
    LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?oidc=failed"
# Production serving (web): `iccity serve` (gunicorn), hashed static files, shared cache, health, metrics, JSON logs.
# docs/deploy.md lists every variable. Security headers, HSTS and the DEBUG default belong to the security settings.
import ipaddress as _ipaddress  # noqa: E402

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
# Anonymous public pages served whole from the shared cache under a data version (core/public_cache.py). Only with
# a shared cache: with a per-process one, a change seen by one worker would not reach the others' copies.
ICCITY_PUBLIC_CACHE = os.environ.get("ICCITY_PUBLIC_CACHE", "1" if ICCITY_REDIS_URL else "0") == "1"
ICCITY_PUBLIC_CACHE_SECONDS = int(os.environ.get("ICCITY_PUBLIC_CACHE_SECONDS", "300"))

# Hashed, pre-compressed static files (collectstatic writes name.<hash>.css plus .gz); nginx and WhiteNoise cache
# them for a year. Not under pytest: tests and browser tests find static files through the finders, uncollected.
if not DEBUG and not _UNDER_PYTEST:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "iccity.serving.storage.StaticStorage"},
    }
ICCITY_STATIC_BROTLI = os.environ.get("ICCITY_STATIC_BROTLI") == "1"


# The largest request body any endpoint accepts: evidence, 5 files at the 20 MB of the delivery.evidence rule plus 1 MB
# of form fields (core.upload_handlers.largest_request_cap, checked against this by a test). nginx's
# client_max_body_size equals it (deploy/nginx/iccity.conf, compared by a test); each endpoint's own limit is enforced
# while the body streams.
ICCITY_MAX_REQUEST_BODY_BYTES = 101 * 1024 * 1024

# /metrics answers loopback requests, or others with "Authorization: Bearer <token>".
ICCITY_METRICS_TOKEN = os.environ.get("ICCITY_METRICS_TOKEN", "")
# /healthz fails below this much free disk (and warns below twice this).
ICCITY_HEALTH_MIN_FREE_MB = int(os.environ.get("ICCITY_HEALTH_MIN_FREE_MB", "500"))

if os.environ.get("ICCITY_LOG_JSON") == "1":
    LOGGING["formatters"] = {"json": {"()": "iccity.serving.jsonlog.JsonFormatter"}}
    LOGGING["handlers"]["console"]["formatter"] = "json"

# --- operations (helper "ops"): backups written by ``iccity backup`` (and the worker's nightly job) ---
ICCITY_BACKUP_DIR = Path(os.environ.get("ICCITY_BACKUP_DIR", VAR_DIR / "backups"))
ICCITY_BACKUP_KEEP = int(os.environ.get("ICCITY_BACKUP_KEEP", "14"))  # archives kept; older ones are deleted
# ICCITY_BACKUP_KEY (read at run time, never stored in settings): passphrase that turns on backup encryption.
