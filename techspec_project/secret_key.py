"""The one rule for SECRET_KEY: every process that serves or signs needs one when DEBUG is off.

The settings do not refuse at import (Django itself only minds a missing key where it is
used), so commands that neither serve nor sign,
such as `makemigrations --check` in CI or a deploy script, run with nothing set. Serving
processes (wsgi.py, asgi.py: runserver, gunicorn, uvicorn) and token signing call this first.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

MISSING_SECRET_KEY = (
    "SECRET_KEY is required when DEBUG is off (the default: settings are production's unless "
    "development is turned on). In production set SECRET_KEY in the environment or in .env, for example "
    "SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(50))'). For development run "
    "`make run` (or `make db`, `make test`), or set DEBUG=true for a command you run by hand."
)


def require_secret_key() -> None:
    """ImproperlyConfigured with what to set, unless SECRET_KEY is set."""
    if not settings.SECRET_KEY_CONFIGURED:
        raise ImproperlyConfigured(MISSING_SECRET_KEY)


@register(Tags.security, deploy=True)
def check_secret_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """`manage.py check --deploy` (the production checklist) names a missing SECRET_KEY too."""
    if settings.SECRET_KEY_CONFIGURED:
        return []
    return [Error(MISSING_SECRET_KEY, id="techspec.E001")]
