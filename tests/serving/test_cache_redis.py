"""CACHE_URL=redis://... gives Django's built-in Redis backend (redis-py pinned), shared by processes."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import environ
import pytest

from tests.support.redis import needs_redis

ROOT = Path(__file__).resolve().parents[2]


def test_redis_url_selects_djangos_builtin_backend():
    config = environ.Env.cache_url_config("redis://127.0.0.1:6379/1")
    assert config["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert config["LOCATION"] == "redis://127.0.0.1:6379/1"


def _manage_shell(code: str, cache_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CACHE_URL": cache_url, "DJANGO_SETTINGS_MODULE": "techspec_project.settings_test"}
    return subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


@needs_redis
@pytest.mark.slow
def test_a_value_one_process_stores_is_seen_by_another_through_redis():
    key = f"techspec-test-{uuid.uuid4().hex}"
    url = "redis://127.0.0.1:6379/1"
    writer = _manage_shell(
        "from django.core.cache import cache, caches; "
        f"cache.set('{key}', 41, 30); print(cache.incr('{key}'), type(caches['default']).__name__)", url)
    assert writer.returncode == 0, writer.stderr
    assert writer.stdout.split()[-2:] == ["42", "RedisCache"]
    reader = _manage_shell(
        f"from django.core.cache import cache; print(cache.get('{key}')); cache.delete('{key}')", url)
    assert reader.returncode == 0, reader.stderr
    assert reader.stdout.split()[-1] == "42"
