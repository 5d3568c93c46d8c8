"""The local Redis some tests need (`needs_redis` skips them where none answers)."""

from __future__ import annotations

import socket

import pytest

REDIS = ("127.0.0.1", 6379)


def _redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not _redis_answers(), reason="no Redis answers on 127.0.0.1:6379")
