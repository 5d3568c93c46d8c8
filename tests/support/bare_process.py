"""`manage.py` in a process that inherits nothing: what a deploy (or a developer's shell) that set
nothing gets, whatever the suite's own environment (`make test` sets DEBUG=true) says."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A port nobody listens on: these commands must decide before they connect to PostgreSQL,
# and one that did not would write nowhere (nor start an embedded server).
NOWHERE = "postgresql://nobody@127.0.0.1:1/nowhere"

SETTINGS_PROBE = """
import json
from django.conf import settings
print(json.dumps({
    "debug": settings.DEBUG,
    "development_key": settings.SECRET_KEY.startswith("insecure-"),
    "design_bridge_mode": settings.DESIGN_BRIDGE_MODE,
    "toolbar": "debug_toolbar" in settings.INSTALLED_APPS
               or any(m.startswith("debug_toolbar.") for m in settings.MIDDLEWARE),
    "pool": "pool" in settings.DATABASES["default"]["OPTIONS"],
    "statement_timeout_ms": settings.DB_STATEMENT_TIMEOUT_MS,
    "log_format": settings.LOG_FORMAT,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
}))
"""


def python_with_nothing_set(*args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    """`python *args` in the project with PATH, HOME and the database's location only, plus `env`."""
    bare = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/"), "DATABASE_URL": NOWHERE}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env={**bare, **env},
                          capture_output=True, text=True, timeout=timeout)


def manage_with_nothing_set(*args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    """`manage.py *args` with nothing set but `env` (python_with_nothing_set)."""
    return python_with_nothing_set("manage.py", *args, timeout=timeout, **env)


def settings_with_nothing_set(**env: str) -> dict:
    """The settings a process with nothing but `env` set runs with (SETTINGS_PROBE's fields)."""
    result = manage_with_nothing_set("shell", "-c", SETTINGS_PROBE, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
