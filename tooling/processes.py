"""Starting and stopping the servers a tooling run (or a test) drives: shared by tooling/load and tests/."""

from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable


class ServerNotUp(RuntimeError):
    """The server exited, or did not answer its health URL in time; the message carries its log's tail."""


def stop_process(process: subprocess.Popen, timeout: float = 10) -> None:
    """SIGTERM, then SIGKILL if the process has not exited within `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def wait_for_health(process: subprocess.Popen, url: str, *, seconds: float = 60,
                    log_tail: Callable[[], str] = lambda: "") -> None:
    """Return once `url` answers 200; ServerNotUp if `process` exits first or `seconds` pass."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerNotUp(f"the server exited:\n{log_tail()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise ServerNotUp(f"the server did not answer {url} in {seconds:.0f} s:\n{log_tail()}")
