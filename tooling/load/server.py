"""gunicorn with the production settings on a loopback port (load and events runs), and wrk with
load_mix.lua against it."""

from __future__ import annotations

import json
import os
import runpy
import secrets
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError

from tooling.processes import ServerNotUp, stop_process, wait_for_health

ROOT = Path(settings.BASE_DIR)
SCRIPT = Path(__file__).with_name("load_mix.lua")
GUNICORN_CONF = ROOT / "techspec_project" / "gunicorn.conf.py"
# wrk runs one thread per connection (load_mix.lua times requests per connection).
MAX_CONNECTIONS = 256
# Throttling stays on (its counting statement is part of each request's cost), with
# limits that a load test from a few hundred users would otherwise hit at once.
LOAD_RATES = {"API_USER_RATE": "100000/min", "API_GLOBAL_RATE": "1000000/min"}
_SHAPE_VARIABLES = ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_WORKER_CLASS")


class WrkFailed(CommandError):
    """wrk exited with an error or without load_mix.lua's result lines."""


@dataclass(frozen=True)
class ServerShape:
    """How gunicorn is asked to run; None leaves gunicorn.conf.py's default (or the environment's)."""

    workers: int | None = None
    threads: int | None = None
    worker_class: str | None = None  # "asgi" or "gthread"


def gunicorn_conf(overrides: dict[str, str]) -> dict[str, Any]:
    """gunicorn.conf.py's settings with WEB_CONCURRENCY and GUNICORN_THREADS from `overrides` (else its defaults)."""
    saved = os.environ.copy()
    try:
        for name in _SHAPE_VARIABLES:
            os.environ.pop(name, None)
        os.environ.update(overrides)
        return runpy.run_path(str(GUNICORN_CONF))
    finally:
        os.environ.clear()
        os.environ.update(saved)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def production_env(url: str, tmp: Path, port: int) -> dict[str, str]:
    """`make serve`'s settings (DEBUG off, verify mode, a fresh SECRET_KEY) on `url`, listening on `port`."""
    (tmp / "static").mkdir(exist_ok=True)
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "techspec_project.settings",
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        # Tokens were minted here, with this process's signing key.
        "JWT_SIGNING_KEY": settings.SIMPLE_JWT["SIGNING_KEY"],
        "DESIGN_BRIDGE_MODE": "verify",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(tmp / "static"),
        "HOST": "127.0.0.1",
        "PORT": str(port),
    }


def server_env(url: str, tmp: Path, wanted: ServerShape) -> tuple[dict[str, str], dict[str, Any]]:
    """The load server's environment, and the shape it will run in."""
    port = free_port()
    env = {**production_env(url, tmp, port), **LOAD_RATES}
    if wanted.workers:
        env["WEB_CONCURRENCY"] = str(wanted.workers)
    if wanted.threads:
        env["GUNICORN_THREADS"] = str(wanted.threads)
    if wanted.worker_class:
        env["GUNICORN_WORKER_CLASS"] = wanted.worker_class
    conf = gunicorn_conf({k: env[k] for k in _SHAPE_VARIABLES if k in env})
    pool_max = int(env.get("DB_POOL_MAX_SIZE", conf["threads"]))
    # What an app server of this machine holds with gunicorn.conf.py's defaults, for the capacity block.
    defaults = gunicorn_conf({})
    return env, {"port": port, "workers": conf["workers"], "threads": conf["threads"],
                 "worker_class": conf["worker_class"], "timeout": conf["timeout"], "pool_max": pool_max,
                 "default_workers": defaults["workers"],
                 "default_connections": defaults["workers"] * defaults["threads"]}


@contextmanager
def gunicorn(env: dict[str, str], port: int, log: Path, *,
             stop_seconds: int = 30) -> Iterator[subprocess.Popen[bytes]]:
    """gunicorn answering /health on `port`, its output in `log`; stopped on leaving."""
    with log.open("w") as log_file:
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF)], cwd=ROOT,
                                  env=env, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        try:
            wait_for_health(server, f"http://127.0.0.1:{port}/health", log_tail=lambda: log.read_text()[-3000:])
        except ServerNotUp as exc:
            raise CommandError(f"gunicorn: {exc}") from None
        yield server
    finally:
        stop_process(server, timeout=stop_seconds)


def run_wrk(wrk: str, port: int, data_file: Path, *, seconds: int, connections: int) -> dict[str, Any]:
    """wrk with load_mix.lua for `seconds`: its LOAD_RESULT and LOAD_LATENCIES lines, parsed."""
    result = subprocess.run(
        # One wrk thread per connection: load_mix.lua then times each request by kind.
        [wrk, "-t", str(connections), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
         "-s", str(SCRIPT), f"http://127.0.0.1:{port}", "--", str(data_file), str(connections)],
        capture_output=True, text=True, timeout=seconds + 120,
    )
    lines = {x.split(" ", 1)[0]: x.split(" ", 1)[1] for x in result.stdout.splitlines()
             if x.startswith(("LOAD_RESULT ", "LOAD_LATENCIES "))}
    if result.returncode != 0 or len(lines) != 2:
        raise WrkFailed(f"wrk failed (exit status {result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr}")
    return {"result": json.loads(lines["LOAD_RESULT"]), "latencies": json.loads(lines["LOAD_LATENCIES"])}
