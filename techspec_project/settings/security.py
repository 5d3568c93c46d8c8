"""The secret key, hosts, HTTPS and browser hardening, passwords and the admin login lockout."""

from __future__ import annotations

import secrets
from datetime import timedelta

from techspec_project.settings.environment import DEBUG, env

# Only ever used on a developer's machine; never valid with DEBUG off.
_DEVELOPMENT_SECRET_KEY = "insecure-local-development-key-do-not-deploy"
# With DEBUG off and nothing set, serving and token signing refuse to start (techspec_project/
# secret_key.py), while commands that use no key (makemigrations --check, showmigrations) still run.
# They get a throwaway key rather than an empty one: simplejwt reads SECRET_KEY when imported, and
# nothing signed with a per-process random key outlives the process.
_SECRET_KEY_SET = env.str("SECRET_KEY", default="")  # SECRET_KEY= (empty) counts as unset
SECRET_KEY_CONFIGURED = DEBUG or bool(_SECRET_KEY_SET)
SECRET_KEY = _SECRET_KEY_SET or (_DEVELOPMENT_SECRET_KEY if DEBUG else secrets.token_urlsafe(50))

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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Admin login lockout (django-axes; its app and middleware are in core.py) -----
# The admin login locks an (IP, username) pair after AXES_FAILURE_LIMIT failed
# attempts for AXES_COOLOFF_MINUTES, even with the right password; other users
# and other addresses are unaffected (attempts stored in PostgreSQL).
AUTHENTICATION_BACKENDS = [
    "techspec_project.login_lockout.HttpLoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_RESET_ON_SUCCESS = True
