"""One load run end to end: the database, the server, wrk, and the figures it measured."""

from __future__ import annotations

import os
import resource
import shutil
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from tooling.benchmarks.databases import ScaleDatabase
from tooling.load import mix, probes
from tooling.load.report import build_report, render_capacity, render_section
from tooling.load.server import MAX_CONNECTIONS, ServerShape, gunicorn, run_wrk, server_env
from tooling.markdown import PERFORMANCE_HEADER, docs_path, update_block


@dataclass(frozen=True)
class LoadOptions:
    """What `make load` asks for (load_report's options)."""

    sessions: int = 100_000
    seconds: int = 60
    connections: int = 16
    targets: int = 500  # sessions (and their users) the requests are spread over
    reseed: bool = False
    shape: ServerShape = field(default_factory=ServerShape)


def load_run(options: LoadOptions, progress: Callable[[str], Any] = print) -> dict[str, Any]:
    """Seed (once) techspec_load_<N>, serve it with gunicorn, drive it with wrk: the report.

    The report's writes.lost counts writes answered 2xx that are not in the database.
    """
    wrk = shutil.which("wrk")
    if not wrk:
        raise CommandError("wrk is not installed: run `make wrk-deps` (make load does), or apt-get install wrk.")
    if options.sessions < 1 or options.seconds < 1:
        raise CommandError("--sessions and --seconds must be at least 1.")
    if not 1 <= options.connections <= MAX_CONNECTIONS:
        raise CommandError(f"--connections must be from 1 to {MAX_CONNECTIONS} (wrk runs a thread for each).")
    database = ScaleDatabase("load", options.sessions)
    database.prepare(reseed=options.reseed, progress=progress)
    url = database.url

    run_id = uuid.uuid4().hex[:12]
    postmaster = probes.postmaster_pid(url)
    with tempfile.TemporaryDirectory(prefix="techspec-load-") as tmp_name:
        tmp = Path(tmp_name)
        chosen = mix.targets(url, options.targets, run_id)
        data_file = tmp / "data.lua"
        data_file.write_text(mix.lua_data(chosen))
        env, shape = server_env(url, tmp, options.shape)
        log = tmp / "gunicorn.log"
        with gunicorn(env, shape["port"], log) as server:
            # Other work on the machine skews the figures: recorded so a reader can tell.
            shape["load_average_before"] = round(os.getloadavg()[0], 2)
            progress(f"wrk: {options.seconds} s, {options.connections} connections against "
                     f"{shape['workers']} x {shape['threads']} gunicorn threads ...")
            cpu_before = probes.cpu_snapshot(server.pid, postmaster)
            wrk_before = resource.getrusage(resource.RUSAGE_CHILDREN)
            output = run_wrk(wrk, shape["port"], data_file, seconds=options.seconds,
                             connections=options.connections)
            cpu_after = probes.cpu_snapshot(server.pid, postmaster)
            wrk_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        client = output["result"]
        client["by_kind"] = mix.client_times(output["latencies"])
        server_side = mix.server_times(log)
    stored = mix.stored_writes(url, run_id)
    wrk_cpu = (wrk_after.ru_utime + wrk_after.ru_stime) - (wrk_before.ru_utime + wrk_before.ru_stime)
    shape["cpu"] = probes.cpu_used(cpu_before, cpu_after, wrk_cpu, client["requests"])
    run = {"sessions": options.sessions, "seconds": options.seconds, "connections": options.connections,
           "shape": shape}
    return build_report(run, client, server_side, stored, url)


def check_writes(report: dict[str, Any]) -> None:
    """CommandError if a write answered 2xx is not in the database."""
    if report["writes"]["lost"]:
        raise CommandError(f"{report['writes']['lost']} writes answered 2xx are not in the database.")


def write_load_docs(report: dict[str, Any]) -> None:
    """The scale's section of docs/PERFORMANCE.md and the capacity block of docs/DEPLOYMENT.md."""
    update_block(docs_path(), f"bench:load-{report['sessions']}", render_section(report),
                 new_file=PERFORMANCE_HEADER)
    update_block(docs_path("DEPLOYMENT.md"), "load-capacity", render_capacity(report))
