"""Production settings: the defaults, and DEBUG=false alone, turn on what `check --deploy` asks for."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from techspec_project.database_url import server_url
from tests.support.bare_process import manage_with_nothing_set, python_with_nothing_set, settings_with_nothing_set

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    from django.db import connection

    full_env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "SECURE_SSL_REDIRECT")}
    full_env.update({
        "DJANGO_SETTINGS_MODULE": "techspec_project.settings",
        "DATABASE_URL": server_url(connection.settings_dict, connection.settings_dict["NAME"]),
        "DESIGN_BRIDGE_MODE": "verify",
        **env,
    })
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_reports_nothing_with_debug_off_and_a_real_secret_key():
    result = _manage("check", "--deploy", "--fail-level", "WARNING",
                     DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="example.com")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_does_warn_with_debug_on():
    # The same check, with the development defaults: proves it is not silenced.
    result = _manage("check", "--deploy", "--fail-level", "WARNING", DEBUG="true")
    assert result.returncode != 0
    assert "security.W018" in result.stderr + result.stdout  # DEBUG on


PROBE = """
import json
from django.conf import settings
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SHOW statement_timeout")
    timeout = cursor.fetchone()[0]
print(json.dumps({
    "pool": connection.pool is not None,
    "pool_max": connection.pool.max_size if connection.pool else None,
    "pool_timeout": connection.pool.timeout if connection.pool else None,
    "statement_timeout": timeout,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "hsts": settings.SECURE_HSTS_SECONDS,
    "secure_cookies": settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE,
    "proxy_header": settings.SECURE_PROXY_SSL_HEADER,
    "server_side_cursors_off": settings.DATABASES["default"].get("DISABLE_SERVER_SIDE_CURSORS", False),
    "staticfiles": settings.STORAGES["staticfiles"]["BACKEND"],
}))
"""


def _probe(**env: str) -> dict:
    result = _manage("shell", "-c", PROBE, SECRET_KEY=secrets.token_urlsafe(50), **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_debug_off_turns_on_https_cookies_hsts_pool_statement_timeout_and_hashed_static_files():
    probe = _probe(DEBUG="false", GUNICORN_THREADS="6")
    assert probe["ssl_redirect"] is True
    assert probe["hsts"] == 31_536_000
    assert probe["secure_cookies"] is True
    assert probe["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert probe["pool"] is True and probe["pool_max"] == 6  # one connection per thread
    assert probe["pool_timeout"] == 1.0  # an outage answers 503 in about a second, not after 10
    assert probe["statement_timeout"] == "5s"
    assert probe["staticfiles"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_statement_timeout_and_pool_follow_their_variables():
    probe = _probe(DEBUG="false", DB_STATEMENT_TIMEOUT_MS="1500", DB_POOL="false", SECURE_HSTS_SECONDS="60")
    assert probe["statement_timeout"] == "1500ms"
    assert probe["pool"] is False
    assert probe["hsts"] == 60


def test_debug_off_without_secret_key_stops_with_a_message():
    result = _manage("check", "--deploy", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


# --- With nothing set, the settings are production's (they fail closed) ----------------------

SHELL_VARIABLES = {"TERM": "xterm", "SHELL": "/bin/bash", "PWD": str(ROOT), "SHLVL": "1", "LANG": "C.UTF-8"}


def assert_says_what_to_set(stderr: str) -> None:
    assert "SECRET_KEY is required when DEBUG is off" in stderr
    # Both ways out: production's variable, and how development is turned on.
    assert "SECRET_KEY=$(python -c" in stderr
    assert "make run" in stderr and "DEBUG=true" in stderr


@pytest.mark.parametrize("entry_point", ["techspec_project.wsgi", "techspec_project.asgi"])
def test_with_nothing_set_no_server_starts_without_a_secret_key(entry_point):
    # gunicorn, uvicorn and runserver all load the application from these modules.
    result = python_with_nothing_set("-c", f"import {entry_point}", timeout=60, **SHELL_VARIABLES)

    assert result.returncode != 0, result.stdout + result.stderr
    assert_says_what_to_set(result.stderr)


def test_with_nothing_set_check_deploy_names_the_missing_secret_key():
    result = manage_with_nothing_set("check", "--deploy", timeout=60, **SHELL_VARIABLES)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "techspec.E001" in result.stderr
    assert_says_what_to_set(result.stderr)


def test_with_nothing_set_no_token_is_signed_with_a_throwaway_key():
    result = manage_with_nothing_set("issue_token", timeout=60, **SHELL_VARIABLES)

    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert "JWT_SIGNING_KEY (by default SECRET_KEY) is empty" in result.stderr
    assert_says_what_to_set(result.stderr)


def test_with_nothing_set_a_command_that_uses_no_key_still_runs():
    # CI and deploy scripts run `makemigrations --check` without the production secret. A shell's own
    # variables beside ours: with them Django's command loader once swallowed a settings error here and
    # died with an AppRegistryNotReady traceback (manage.py loads the settings first).
    result = manage_with_nothing_set("makemigrations", "--check", "--dry-run", timeout=60, **SHELL_VARIABLES)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout
    assert "Traceback" not in result.stderr


def test_with_only_a_secret_key_set_debug_bootstrap_and_the_toolbar_are_off():
    probe = settings_with_nothing_set(SECRET_KEY=secrets.token_urlsafe(50))

    assert probe == {
        "debug": False, "development_key": False, "design_bridge_mode": "verify", "toolbar": False,
        "pool": True, "statement_timeout_ms": 5000, "log_format": "json", "ssl_redirect": True,
    }


def test_seed_data_without_force_refuses_when_development_is_off():
    result = manage_with_nothing_set("seed_data", "--sessions", "1", SECRET_KEY=secrets.token_urlsafe(50))

    assert result.returncode == 1, result.stdout + result.stderr
    assert "DEBUG is off, so this may be a production database" in result.stderr
    assert "--force" in result.stderr


REPLICA_PROBE = """
import json
from django.conf import settings
from django.db import connections
from sessions_app.models import TechSpecSession
from techspec_project.db_router import replica_reads
with replica_reads():
    TechSpecSession.objects.exists()
replica = settings.DATABASES["replica"]
print(json.dumps({
    "aliases": sorted(settings.DATABASES),
    "mirror": replica["TEST"]["MIRROR"],
    "same_options": replica["OPTIONS"].get("options") == settings.DATABASES["default"]["OPTIONS"].get("options"),
    "replica_used": connections["replica"].connection is not None,
}))
"""


def test_database_replica_url_adds_a_replica_alias_with_the_same_limits_that_serves_reads():
    from django.db import connection

    url = server_url(connection.settings_dict, connection.settings_dict["NAME"])
    result = _manage("shell", "-c", REPLICA_PROBE, DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50),
                     DATABASE_REPLICA_URL=url, DB_POOL="false")
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe == {"aliases": ["default", "replica"], "mirror": "default", "same_options": True,
                     "replica_used": True}
