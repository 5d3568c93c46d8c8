"""Servers a test starts as subprocesses: a free port, waiting until one answers, stopping it."""

from __future__ import annotations

import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from tooling.processes import stop_process, wait_for_health  # noqa: F401 - stop_process is re-exported for the tests

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class LiveServer:
    """A `manage.py runserver` subprocess on a loopback port, against the test database."""

    url: str
    process: subprocess.Popen
    log: Path

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-2000:]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(server: LiveServer, deadline: float) -> None:
    wait_for_health(server.process, f"{server.url}/health", seconds=max(deadline - time.monotonic(), 0),
                    log_tail=server.log_tail)


def suite_database_url() -> str:
    """The URL of the database this test run uses, for a server started beside it."""
    from django.db import connection

    from techspec_project.database_url import server_url

    return server_url(connection.settings_dict, connection.settings_dict["NAME"])

