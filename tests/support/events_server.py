"""A real uvicorn server on the test database, and a synchronous WebSocket client for it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.support.processes import ROOT, free_port, stop_process

# What a worker writing plain SQL sends: every column without a database default.
MESSAGE_SQL = ("INSERT INTO tech_conversations (session_id, role, message, message_type, metadata)"
               " VALUES (%s, 'user', %s, 'text', '{}')")


@dataclass
class EventsServer:
    """`python -m uvicorn techspec_project.asgi:application` on a loopback port."""

    port: int
    process: subprocess.Popen
    log: Path

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def ws_url(self, session_id, after=None) -> str:
        url = f"ws://127.0.0.1:{self.port}/ws/tech-spec/{session_id}"
        return url if after is None else f"{url}?after={after}"

    def follow(self, session_id, token=None, *, after=None, **kwargs) -> ClientConnection:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        headers.update(kwargs.pop("headers", {}))
        return connect(self.ws_url(session_id, after), additional_headers=headers, open_timeout=10, **kwargs)

    def request(self, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, dict]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.http + path, data=data, method=method, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json",
        })
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


def start_events_server(database_url: str, log: Path, **extra_env: str) -> EventsServer:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "techspec_project.settings_test",
        "PYTHONUNBUFFERED": "1",
        **extra_env,
    }
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "techspec_project.asgi:application",
             "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
            cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT, text=True,
        )
    server = EventsServer(port=port, process=process, log=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"uvicorn exited:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(server.http + "/health", timeout=2):
                return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    stop_process(process)
    raise AssertionError(f"uvicorn did not answer:\n{server.log_tail()}")


def next_event(socket: ClientConnection, timeout: float = 10) -> dict:
    return json.loads(socket.recv(timeout=timeout))


def events(socket: ClientConnection, count: int, timeout: float = 10) -> list[dict]:
    return [next_event(socket, timeout) for _ in range(count)]


def close_code(socket: ClientConnection, timeout: float = 10) -> int:
    """The code the server closed with, after reading whatever it sent before."""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            socket.recv(timeout=max(deadline - time.monotonic(), 0.01))
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else 1006
    except TimeoutError:
        pass
    raise AssertionError("the server did not close the socket")


def silent(socket: ClientConnection, seconds: float = 1.0) -> bool:
    """True when nothing arrives within `seconds`."""
    try:
        socket.recv(timeout=seconds)
    except TimeoutError:
        return True
    return False


class StalledClient:
    """A WebSocket client that stops reading after the handshake (a raw socket with a small
    receive window and websockets' sans-I/O protocol), then drains everything on demand.

    websockets' own clients keep reading into memory in the background, which would hide
    the server's backpressure.
    """

    def __init__(self, server: EventsServer, session_id, token: str):
        import socket

        from websockets.client import ClientProtocol
        from websockets.uri import parse_uri

        self.protocol = ClientProtocol(parse_uri(server.ws_url(session_id)), max_size=None)
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32_768)
        self.sock.connect(("127.0.0.1", server.port))
        request = self.protocol.connect()
        request.headers["Authorization"] = f"Bearer {token}"
        self.protocol.send_request(request)
        self.sock.sendall(b"".join(self.protocol.data_to_send()))

    def drain(self, timeout: float = 30) -> tuple[list[dict], int | None]:
        """Every event the server sent, and its close code (None if it did not close)."""
        from websockets.frames import Opcode

        self.sock.settimeout(timeout)
        received, code = [], None
        while code is None:
            try:
                data = self.sock.recv(1 << 16)
            except TimeoutError:
                break
            if not data:
                break
            self.protocol.receive_data(data)
            for event in self.protocol.events_received():
                if getattr(event, "opcode", None) is Opcode.TEXT:
                    received.append(json.loads(event.data))
                elif getattr(event, "opcode", None) is Opcode.CLOSE:
                    code = self.protocol.close_rcvd.code
        self.sock.close()
        return received, code
