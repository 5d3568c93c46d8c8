"""Configuration: the embedded server's failure messages, DATABASE_URL forms, required settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from techspec_project.database_url import database_config

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env={**clean, "DEBUG": "true", **env}, capture_output=True, text=True, timeout=120,
    )


@pytest.mark.slow
def test_embedded_server_in_an_unusable_folder_names_it_and_suggests_database_url(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    folder = blocker / "pgdata"

    result = manage("check", EMBEDDED_PG_DIR=str(folder))

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert str(folder) in result.stderr
    assert "DATABASE_URL=postgresql://" in result.stderr


@pytest.mark.slow
def test_embedded_server_folder_that_is_a_file_is_refused_clearly(tmp_path):
    not_a_folder = tmp_path / "pgdata"
    not_a_folder.write_text("")

    result = manage("check", EMBEDDED_PG_DIR=str(not_a_folder))

    assert result.returncode == 2
    assert "is not a directory" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_secret_key_is_required_when_debug_is_off():
    # An empty SECRET_KEY counts as none: the production checklist names it (servers refuse to start,
    # tests/serving/test_deploy_check.py).
    result = manage("check", "--deploy", DEBUG="false", SECRET_KEY="", DATABASE_URL="postgresql://nobody@127.0.0.1:1/x")

    assert result.returncode == 1
    assert "techspec.E001" in result.stderr
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("url", "host", "port", "name"),
    [
        ("postgresql://postgres:@/techspec?host=/tmp/sock", "/tmp/sock", "", "techspec"),
        ("postgresql://postgres@%2Ftmp%2Fsock/techspec", "/tmp/sock", "", "techspec"),
        ("postgres://u:p@db.internal:6432/techspec", "db.internal", 6432, "techspec"),
        ("postgresql://u@/techspec?host=/run/pg&port=5433", "/run/pg", 5433, "techspec"),
    ],
)
def test_database_url_forms(url, host, port, name):
    config = database_config(url)
    assert (config["HOST"], config["PORT"], config["NAME"]) == (host, port, name)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert "host" not in config.get("OPTIONS", {})


def test_time_is_utc_and_timezone_aware():
    assert settings.USE_TZ is True
    assert settings.TIME_ZONE == "UTC"


def test_default_cache_is_shared_across_processes():
    assert "locmem" not in settings.CACHES["default"]["BACKEND"]
