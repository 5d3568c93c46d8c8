"""One events run end to end (`make events-bench`): the database, the server, the sockets, the
figures, and their section of docs/PERFORMANCE.md."""

from __future__ import annotations

import asyncio
import os
import platform
import tempfile
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from django.core.management.base import CommandError

from sessions_app.api.token_keys import token_issue
from sessions_app.roles import Role
from tooling.benchmarks.databases import ScaleDatabase
from tooling.events_bench.sockets import raise_open_files_limit, run_bench, server_env
from tooling.load.server import gunicorn
from tooling.markdown import docs_path, update_block


def events_bench(*, sockets: int, sessions: int, rate: int, seconds: int, storm_seconds: int, workers: int,
                 progress: Callable[[str], Any] = print) -> dict[str, Any]:
    """Open `sockets` sockets over `sessions` sessions, write at `rate`/s, storm: the figures."""
    if min(sockets, sessions, rate, seconds, workers) < 1:
        raise CommandError("--sockets, --sessions, --rate, --seconds and --workers must be at least 1.")
    limit = raise_open_files_limit(sockets * 2 + 1024)
    if limit < sockets + 256:
        raise CommandError(f"The open-files limit is {limit}: raise it (ulimit -n) above {sockets + 256}.")
    database = ScaleDatabase("events", sessions)
    database.prepare(progress=progress)
    with psycopg.connect(database.url) as conn:
        session_ids = [row[0] for row in conn.execute(
            "SELECT id::text FROM tech_spec_sessions ORDER BY id LIMIT %s", [sessions])]
    # One staff token follows every session.
    token = token_issue(role=Role.STAFF, user_id=uuid.uuid4(), ttl=timedelta(hours=2))
    with tempfile.TemporaryDirectory(prefix="techspec-events-") as tmp:
        env, port = server_env(database.url, workers, Path(tmp))
        with gunicorn(env, port, Path(tmp) / "server.log", stop_seconds=60) as server:
            result = asyncio.run(run_bench(
                url=database.url, port=port, server_pid=server.pid, token=token, session_ids=session_ids,
                sockets=sockets, rate=rate, seconds=seconds, storm_seconds=storm_seconds, progress=progress,
            ))
    result.update(date=datetime.now(UTC).isoformat(timespec="seconds"), workers=workers,
                  machine={"cores": os.cpu_count(), "python": platform.python_version(),
                           "load_average": round(os.getloadavg()[0], 2)})
    return result


def write_events_docs(section: str) -> None:
    update_block(docs_path(), "bench:events", section)


def render(r: dict[str, Any]) -> str:
    lat, storm, m = r["latency_ms"], r["storm_latency_ms"], r["machine"]

    def line(name: str, s: dict[str, Any]) -> str:
        return (f"| {name} | {s.get('count', 0):,} | {s.get('p50', '-')} | {s.get('p95', '-')} | {s.get('p99', '-')} "
                f"| {s.get('max', '-')} |")

    return "\n".join([
        "## Events: WebSocket fan-out",
        "",
        f"Measured {r['date']} on {m['cores']} cores (shared with other work; 1-minute load average at the end "
        f"{m['load_average']}), Python {m['python']}, by `make events-bench` (`manage.py events_bench`): "
        f"{r['sockets']:,} sockets following {r['sessions']} sessions of techspec_events_{r['sessions']} on "
        f"`make serve`'s stack ({r['workers']} uvicorn worker processes, DEBUG off), loopback, clients in one "
        f"asyncio process on the same machine; writers committed {r['rate']} conversation messages/s "
        f"({r['written']:,} in {r['seconds']} s) on 4 connections, then every socket closed and resumed with "
        f"`?after=<cursor>` while {r['storm_written']:,} more were committed.",
        "",
        "| phase | events received | p50 ms | p95 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        line("steady (commit to receipt)", lat),
        line("reconnect storm (incl. replayed)", storm),
        "",
        f"Lost {r['steady']['lost']}, duplicated {r['steady']['duplicated']}, out of order "
        f"{r['steady']['out_of_order']} in the steady phase; over the whole run including the storm: lost "
        f"{r['total']['lost']}, duplicated {r['total']['duplicated']}, out of order {r['total']['out_of_order']}. "
        f"{r['reconnected']:,} of {r['sockets']:,} sockets resumed (p95 {r['reconnect_p95_s']} s, max "
        f"{r['reconnect_max_s']} s from closing to the snapshot; all caught up {r['storm_seconds']} s after the "
        f"storm began). {r['sockets']:,} sockets connected in {r['connect_seconds']} s. Server RSS "
        f"(all processes) {r['rss_before_mib']} MiB before the sockets, {r['rss_idle_mib']} MiB with them idle: "
        f"**{r['rss_per_1000_idle_mib']} MiB per 1,000 idle sockets**.",
        "",
    ])
