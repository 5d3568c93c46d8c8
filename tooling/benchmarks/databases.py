"""Throwaway databases at a chosen scale, shared by bench_report and load_report.

Each lives on the configured server as techspec_<kind>_<N>: created once,
migrated, seeded with `seed_data --seed 1` when it does not hold N sessions
(or when asked to reseed), then VACUUM ANALYZEd so plans use fresh statistics.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection

from techspec_project.database_url import ensure_database, server_url

ROOT = Path(settings.BASE_DIR)


def manage(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """`manage.py ARGS` in a subprocess with `env`; CommandError with its output if it fails."""
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise CommandError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


class ScaleDatabase:
    """The database techspec_<kind>_<sessions> on the configured server."""

    def __init__(self, kind: str, sessions: int):
        self.sessions = sessions
        self.name = f"techspec_{kind}_{sessions}"
        self.url = server_url(connection.settings_dict, self.name)
        # No debug toolbar: production has none, and its template panel pretty-prints every
        # template context of an admin page (tens of ms on a chart page), which no user waits for.
        self.env = {**os.environ, "DATABASE_URL": self.url, "DESIGN_BRIDGE_MODE": "bootstrap", "DEBUG": "true",
                    "DEBUG_TOOLBAR": "false"}

    def prepare(self, *, reseed: bool = False, progress=None) -> dict | None:
        """Create, migrate and (re)seed when needed; the seed summary when it seeded, else None."""
        ensure_database(server_url(connection.settings_dict, "postgres"), self.name)
        manage(self.env, "migrate", "--noinput", "-v0")
        manage(self.env, "createcachetable")
        seed = None
        if reseed or self.session_count() != self.sessions:
            if progress:
                progress(f"Seeding {self.sessions:,} sessions into {self.name} ...")
            seed = self._seed()
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute("VACUUM (ANALYZE)")
        return seed

    def session_count(self) -> int:
        with psycopg.connect(self.url) as conn:
            row = conn.execute("SELECT count(*) FROM tech_spec_sessions").fetchone()
        assert row is not None  # count(*) always answers one row
        return int(row[0])

    def _seed(self) -> dict:
        started = time.perf_counter()
        result = manage(self.env, "seed_data", "--sessions", str(self.sessions), "--seed", "1", "--clear",
                        "--json", "--force")
        summary = json.loads(result.stdout)
        summary["wall_seconds"] = round(time.perf_counter() - started, 1)
        # ru_maxrss of waited-for children, in KiB on Linux: the seed is by far the largest child.
        summary["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
        return summary
