"""manage.py events_bench: many sockets on the events WebSocket, steady writers, a reconnect storm.

What `make events-bench` runs; the figures go to docs/PERFORMANCE.md. Loopback only; it stops
by itself (the server it starts is stopped at the end).
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tooling.benchmarks.databases import ScaleDatabase
from tooling.benchmarks.events import raise_open_files_limit, run_bench, start_server
from tooling.management.commands.bench_report import update_markdown


class Command(BaseCommand):
    help = ("Open --sockets WebSockets over --sessions sessions of techspec_events_<sessions>, commit --rate "
            "messages/s for --seconds, then drop and resume every socket; print commit-to-receipt latency, "
            "lost/duplicated/out-of-order counts and server memory, and write them to docs/PERFORMANCE.md.")

    def add_arguments(self, parser):
        parser.add_argument("--sockets", type=int, default=2000, help="Concurrent sockets (default: 2000).")
        parser.add_argument("--sessions", type=int, default=500, help="Sessions they follow (default: 500).")
        parser.add_argument("--rate", type=int, default=200, help="Committed changes per second (default: 200).")
        parser.add_argument("--seconds", type=int, default=60, help="Length of the steady phase (default: 60).")
        parser.add_argument("--storm-seconds", type=int, default=10,
                            help="Writes go on this long while every socket reconnects (default: 10).")
        parser.add_argument("--workers", type=int, default=2, help="Server processes (default: 2).")
        parser.add_argument("--no-write", action="store_true", help="Print only; leave the docs alone.")
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args, **opts):
        if min(opts["sockets"], opts["sessions"], opts["rate"], opts["seconds"], opts["workers"]) < 1:
            raise CommandError("--sockets, --sessions, --rate, --seconds and --workers must be at least 1.")
        limit = raise_open_files_limit(opts["sockets"] * 2 + 1024)
        if limit < opts["sockets"] + 256:
            raise CommandError(f"The open-files limit is {limit}: raise it (ulimit -n) above {opts['sockets'] + 256}.")
        database = ScaleDatabase("events", opts["sessions"])
        database.prepare(progress=self.stderr.write)
        with psycopg.connect(database.url) as conn:
            session_ids = [row[0] for row in conn.execute(
                "SELECT id::text FROM tech_spec_sessions ORDER BY id LIMIT %s", [opts["sessions"]])]
        with tempfile.TemporaryDirectory(prefix="techspec-events-") as tmp:
            server, port, log = start_server(database.url, opts["workers"], Path(tmp))
            try:
                result = asyncio.run(run_bench(
                    url=database.url, port=port, server_pid=server.pid, token=_staff_token(),
                    session_ids=session_ids, sockets=opts["sockets"], rate=opts["rate"], seconds=opts["seconds"],
                    storm_seconds=opts["storm_seconds"], progress=self.stderr.write,
                ))
            finally:
                server.terminate()
                server.wait(timeout=60)
        result.update(date=datetime.now(UTC).isoformat(timespec="seconds"), workers=opts["workers"],
                      machine={"cores": os.cpu_count(), "python": platform.python_version(),
                               "load_average": round(os.getloadavg()[0], 2)})
        section = render(result)
        self.stdout.write(json.dumps(result, indent=2) if opts["json"] else section)
        if not opts["no_write"]:
            update_markdown(Path(settings.BASE_DIR) / "docs" / "PERFORMANCE.md", "events", section)
            self.stderr.write("Updated docs/PERFORMANCE.md.")
        if any(result["total"].values()):
            raise CommandError(f"Events lost, duplicated or out of order: {result['total']}.")


def _staff_token() -> str:
    from rest_framework_simplejwt.tokens import AccessToken

    token = AccessToken()
    token["user_id"] = str(uuid.uuid4())
    token["role"] = "staff"
    token.set_exp(lifetime=timedelta(hours=2))
    return str(token)


def render(r: dict) -> str:
    lat, storm, m = r["latency_ms"], r["storm_latency_ms"], r["machine"]

    def line(name, s):
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
