"""The REST API: rates, body limit, DRF's classes, bearer tokens, the OpenAPI schema."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from techspec_project.settings.environment import DEBUG, env
from techspec_project.settings.security import SECRET_KEY, SECRET_KEY_CONFIGURED

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
    # Deeply nested JSON is a 400 (the stdlib decoder would raise RecursionError, a 500).
    # JSON only: a form or multipart body cannot carry the API's JSON objects and lists (they were
    # stored as {} or not sent at all), so any other Content-Type is a 415 in the error envelope,
    # and the OpenAPI schema offers generated clients application/json alone.
    "DEFAULT_PARSER_CLASSES": ["sessions_app.api.parsers.BoundedJSONParser"],
}

# API tokens (sessions_app/api/token_keys.py). HS256, one shared secret, is for local use:
# every holder of the secret can mint any token. In production the token issuer signs with
# RS256/ES256 and techspec holds only the public key (a PEM file) or the issuer's JWKS URL.
# HS256 stays accepted with DEBUG off: `make serve` and `make load` mint their own tokens.
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
    # Never the throwaway key: token signing refuses an empty one (token_keys._shared_secret).
    "SIGNING_KEY": env.str("JWT_SIGNING_KEY", default=SECRET_KEY if SECRET_KEY_CONFIGURED else ""),
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
