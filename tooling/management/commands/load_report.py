"""manage.py load_report: wrk against gunicorn on a seeded database, figures into the docs.

This is what `make load` runs. It seeds (once) a throwaway database
techspec_load_<N> the way bench_report does, serves it with gunicorn and the
production settings (DEBUG off, the pool, JSON request logs), drives it with wrk
and load_mix.lua (70 % status polls, 20 % session lists, 10 % writes), and
rewrites the scale's section of docs/PERFORMANCE.md and the capacity block of
docs/DEPLOYMENT.md with what it measured.
"""

from __future__ import annotations

import json
import math
import os
import platform
import re
import resource
import runpy
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from tooling.benchmarks.databases import ScaleDatabase
from tooling.benchmarks.markdown import PERFORMANCE_HEADER, update_block
from tooling.benchmarks.percentiles import percentile

ROOT = Path(settings.BASE_DIR)
SCRIPT = Path(__file__).with_name("load_mix.lua")
GUNICORN_CONF = ROOT / "techspec_project" / "gunicorn.conf.py"
KINDS = ("poll", "list", "decision", "message")
KIND_LABELS = {"poll": "status poll (GET)", "list": "session list (GET)", "decision": "decision (POST)",
               "message": "agent message (POST)"}
# wrk runs one thread per connection (load_mix.lua times requests per connection).
MAX_CONNECTIONS = 256
# Throttling stays on (its counting statement is part of each request's cost), with
# limits that a load test from a few hundred users would otherwise hit at once.
LOAD_RATES = {"API_USER_RATE": "100000/min", "API_GLOBAL_RATE": "1000000/min"}


def classify(method: str, path: str) -> str | None:
    if method == "GET" and path.endswith("/status"):
        return "poll"
    if method == "GET" and path.rstrip("/") == "/api/sessions":
        return "list"
    if method == "POST" and path.endswith("/decisions"):
        return "decision"
    if method == "POST" and path.rstrip("/").endswith("/conversations"):
        return "message"
    return None


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()  # the fields after "(comm)", from field 3 (state) on


def _tree_cpu(root: int) -> float | None:
    """CPU seconds of a process tree: the root's own and its reaped children's (cutime,
    cstime), plus what its live children used so far. A child that exits between two
    readings moves from the second term to the first, so a difference stays exact."""
    fields = _proc_stat(root)
    if fields is None:
        return None
    total = sum(int(x) for x in fields[11:15]) / _TICKS  # utime, stime, cutime, cstime
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            child = _proc_stat(int(entry.name))
            if child and int(child[1]) == root:
                total += (int(child[11]) + int(child[12])) / _TICKS
    return total


def postmaster_pid(url: str) -> int | None:
    """The local PostgreSQL server's main process (our backend's parent), None if it is elsewhere."""
    with psycopg.connect(url) as conn:
        backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        fields = _proc_stat(backend)  # read while the backend lives
    return int(fields[1]) if fields else None


def cpu_snapshot(server_pid: int, postmaster: int | None) -> dict:
    """CPU seconds used so far by gunicorn's and PostgreSQL's process trees, and by the whole
    machine (busy and steal, from /proc/stat)."""
    machine = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, idle, iowait, irq, softirq, steal = (int(x) / _TICKS for x in machine[:8])
    return {
        "gunicorn": _tree_cpu(server_pid),
        "postgres": _tree_cpu(postmaster) if postmaster else None,
        "busy": user + nice + system + irq + softirq, "steal": steal, "all": sum(int(x) for x in machine[:8]) / _TICKS,
    }


def cpu_used(before: dict, after: dict, wrk_seconds: float, requests: int) -> dict:
    """Where the cores went during the run: milliseconds of CPU per request, and machine shares."""
    per_request = {
        name: round((after[name] - before[name]) / requests * 1000, 2)
        if requests and before[name] is not None and after[name] is not None else None
        for name in ("gunicorn", "postgres")
    }
    per_request["wrk"] = round(wrk_seconds / requests * 1000, 2) if requests else None
    span = after["all"] - before["all"]
    return {"ms_per_request": per_request,
            "busy_percent": round(100 * (after["busy"] - before["busy"]) / span, 1) if span else None,
            "steal_percent": round(100 * (after["steal"] - before["steal"]) / span, 1) if span else None}


def lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string of ASCII text is a valid Lua string literal


class Command(BaseCommand):
    help = (
        "Load-test the production server: create (or reuse) techspec_load_<N>, seed N sessions with seed_data "
        "--seed 1 (once), start gunicorn with techspec_project/gunicorn.conf.py and DEBUG off on a loopback "
        "port, run wrk for --seconds with 70 %% status polls, 20 %% session lists and 10 %% writes, then print "
        "requests/s, p50/p95/p99, non-2xx counts and per-kind server times, check that every accepted write "
        "is stored, and rewrite the scale's section of docs/PERFORMANCE.md and the capacity block of "
        "docs/DEPLOYMENT.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sessions", type=int, default=100_000, help="Scale (default: 100000).")
        parser.add_argument("--seconds", type=int, default=60, help="Length of the wrk run (default: 60).")
        parser.add_argument("--connections", type=int, default=16,
                            help="wrk connections, one wrk thread each (default: 16).")
        parser.add_argument("--workers", type=int, default=None,
                            help="gunicorn processes (default: WEB_CONCURRENCY or gunicorn.conf.py's default).")
        parser.add_argument("--threads", type=int, default=None,
                            help="threads per process (default: GUNICORN_THREADS or gunicorn.conf.py's default).")
        parser.add_argument("--worker-class", choices=("asgi", "gthread"), default=None,
                            help="gunicorn workers: asgi (uvicorn, HTTP and WebSocket) or gthread (WSGI); "
                                 "default: GUNICORN_WORKER_CLASS or gunicorn.conf.py's default (asgi).")
        parser.add_argument("--targets", type=int, default=500,
                            help="Sessions (and their users) the requests are spread over (default: 500).")
        parser.add_argument("--reseed", action="store_true", help="Seed again even if N sessions are there.")
        parser.add_argument("--no-write", action="store_true", help="Print only; leave the docs alone.")
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args, **opts):
        wrk = shutil.which("wrk")
        if not wrk:
            raise CommandError("wrk is not installed: run `make wrk-deps` (make load does), or apt-get install wrk.")
        n = opts["sessions"]
        if n < 1 or opts["seconds"] < 1:
            raise CommandError("--sessions and --seconds must be at least 1.")
        if not 1 <= opts["connections"] <= MAX_CONNECTIONS:
            raise CommandError(f"--connections must be from 1 to {MAX_CONNECTIONS} (wrk runs a thread for each).")
        database = ScaleDatabase("load", n)
        database.prepare(reseed=opts["reseed"], progress=self.stderr.write)
        url = database.url

        run_id = uuid.uuid4().hex[:12]
        postmaster = postmaster_pid(url)
        with tempfile.TemporaryDirectory(prefix="techspec-load-") as tmp:
            tmp = Path(tmp)
            targets = self._targets(url, opts["targets"], run_id)
            data_file = tmp / "data.lua"
            data_file.write_text(self._lua_data(targets))
            server_env, shape = self._server_env(url, tmp, opts)
            log = tmp / "gunicorn.log"
            port = shape["port"]
            with log.open("w") as log_file:
                server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF)], cwd=ROOT,
                                          env=server_env, stdout=log_file, stderr=subprocess.STDOUT)
            try:
                self._wait_until_up(server, port, log)
                # Other work on the machine skews the figures: recorded so a reader can tell.
                shape["load_average_before"] = round(os.getloadavg()[0], 2)
                self.stderr.write(f"wrk: {opts['seconds']} s, {opts['connections']} connections against "
                                  f"{shape['workers']} x {shape['threads']} gunicorn threads ...")
                cpu_before = cpu_snapshot(server.pid, postmaster)
                wrk_before = resource.getrusage(resource.RUSAGE_CHILDREN)
                result = subprocess.run(
                    # One wrk thread per connection: load_mix.lua then times each request by kind.
                    [wrk, "-t", str(opts["connections"]), "-c", str(opts["connections"]), "-d",
                     f"{opts['seconds']}s", "--timeout", "10s", "-s", str(SCRIPT), f"http://127.0.0.1:{port}",
                     "--", str(data_file), str(opts["connections"])],
                    capture_output=True, text=True, timeout=opts["seconds"] + 120,
                )
                cpu_after = cpu_snapshot(server.pid, postmaster)
                wrk_after = resource.getrusage(resource.RUSAGE_CHILDREN)
            finally:
                server.terminate()
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait(timeout=10)
            lines = {x.split(" ", 1)[0]: x.split(" ", 1)[1] for x in result.stdout.splitlines()
                     if x.startswith(("LOAD_RESULT ", "LOAD_LATENCIES "))}
            if result.returncode != 0 or len(lines) != 2:
                raise CommandError(f"wrk failed (exit status {result.returncode}):\n{result.stdout[-3000:]}\n"
                                   f"{result.stderr}")
            client = json.loads(lines["LOAD_RESULT"])
            client["by_kind"] = client_times(json.loads(lines["LOAD_LATENCIES"]))
            server_side = self._server_times(log)
        stored = self._stored_writes(url, targets, run_id)
        wrk_cpu = (wrk_after.ru_utime + wrk_after.ru_stime) - (wrk_before.ru_utime + wrk_before.ru_stime)
        shape["cpu"] = cpu_used(cpu_before, cpu_after, wrk_cpu, client["requests"])

        report = self._report(n, opts, shape, client, server_side, stored, url)
        if opts["json"]:
            self.stdout.write(json.dumps(report, indent=2))
        else:
            self.stdout.write(render_section(report))
        if not opts["no_write"]:
            update_block(ROOT / "docs" / "PERFORMANCE.md", f"bench:load-{n}", render_section(report),
                         new_file=PERFORMANCE_HEADER)
            update_block(ROOT / "docs" / "DEPLOYMENT.md", "load-capacity", render_capacity(report))
            self.stderr.write("Updated docs/PERFORMANCE.md and the capacity block of docs/DEPLOYMENT.md.")
        if stored["lost"]:
            raise CommandError(f"{stored['lost']} writes answered 2xx are not in the database.")

    # --- database -------------------------------------------------------------------

    def _targets(self, url: str, count: int, run_id: str) -> dict:
        """Sessions to poll and list (their owners' tokens), undecided research to decide, sessions to write to."""
        with psycopg.connect(url) as conn:
            sessions = conn.execute(
                "SELECT id, user_id FROM tech_spec_sessions ORDER BY random() LIMIT %s", [count]
            ).fetchall()
            research = conn.execute(
                "SELECT r.id, r.session_id, s.user_id, r.researched_options -> 0 ->> 'name' "
                "FROM tech_research r JOIN tech_spec_sessions s ON s.id = r.session_id "
                "WHERE r.selected_technology = '' AND jsonb_array_length(r.researched_options) > 0 "
                "ORDER BY random() LIMIT %s", [count * 20]
            ).fetchall()
        if not sessions or not research:
            raise CommandError("The load database has no sessions or no undecided research: use --reseed.")
        users = {user_id for _, user_id in sessions} | {row[2] for row in research}
        tokens = {(user_id, role): self._token(user_id, role) for user_id in users for role in ("user", "agent")}
        return {"sessions": sessions, "research": research, "tokens": tokens, "run_id": run_id}

    @staticmethod
    def _token(user_id, role: str) -> str:
        out = StringIO()
        call_command("issue_token", user_id=str(user_id), role=role, ttl="1d", stdout=out)
        return out.getvalue().strip()

    def _lua_data(self, targets: dict) -> str:
        tokens, run_id = targets["tokens"], targets["run_id"]

        def item(method, path, token, body=None):
            parts = [lua_string(method), lua_string(path), lua_string(token)]
            if body is not None:
                parts.append(lua_string(json.dumps(body)))
            return "{" + ", ".join(parts) + "}"

        polls = [item("GET", f"/api/tech-spec/sessions/{sid}/status", tokens[(uid, "user")])
                 for sid, uid in targets["sessions"]]
        lists = [item("GET", "/api/sessions/", tokens[(uid, "user")]) for _, uid in targets["sessions"]]
        decisions = [
            item("POST", f"/api/tech-spec/sessions/{sid}/decisions", tokens[(uid, "user")],
                 {"decisions": [{"research_id": str(rid), "selected_technology": option,
                                 "reasoning": f"load-run {run_id}"}]})
            for rid, sid, uid, option in targets["research"]
        ]
        messages = [
            item("POST", f"/api/sessions/{sid}/conversations/", tokens[(uid, "agent")],
                 {"role": "agent", "message": f"load-run {run_id}: progress note", "message_type": "text"})
            for sid, uid in targets["sessions"]
        ]
        blocks = {"polls": polls, "lists": lists, "decisions": decisions, "messages": messages}
        return "return {\n" + "".join(
            f"  {key} = {{\n    " + ",\n    ".join(values) + "\n  },\n" for key, values in blocks.items()
        ) + "}\n"

    def _stored_writes(self, url: str, targets: dict, run_id: str) -> dict:
        marker = f"load-run {run_id}"
        with psycopg.connect(url) as conn:
            decisions = conn.execute(
                "SELECT count(*) FROM tech_research WHERE selection_reasoning = %s", [marker]).fetchone()[0]
            messages = conn.execute(
                "SELECT count(*) FROM tech_conversations WHERE role = 'agent' AND message = %s",
                [f"{marker}: progress note"]).fetchone()[0]
        return {"decisions": decisions, "messages": messages, "lost": None}

    # --- server -----------------------------------------------------------------------

    def _server_env(self, url: str, tmp: Path, opts: dict) -> tuple[dict, dict]:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        (tmp / "static").mkdir()
        env = {
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
            **LOAD_RATES,
        }
        if opts["workers"]:
            env["WEB_CONCURRENCY"] = str(opts["workers"])
        if opts["threads"]:
            env["GUNICORN_THREADS"] = str(opts["threads"])
        if opts.get("worker_class"):
            env["GUNICORN_WORKER_CLASS"] = opts["worker_class"]
        conf = _gunicorn_conf({k: env[k] for k in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_WORKER_CLASS")
                               if k in env})
        pool_max = int(env.get("DB_POOL_MAX_SIZE", conf["threads"]))
        # What an app server of this machine holds with gunicorn.conf.py's defaults, for the capacity block.
        defaults = _gunicorn_conf({})
        default_connections = defaults["workers"] * defaults["threads"]
        return env, {"port": port, "workers": conf["workers"], "threads": conf["threads"],
                     "worker_class": conf["worker_class"],
                     "timeout": conf["timeout"], "pool_max": pool_max,
                     "default_workers": defaults["workers"], "default_connections": default_connections}

    def _wait_until_up(self, server: subprocess.Popen, port: int, log: Path) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise CommandError(f"gunicorn exited:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise CommandError(f"gunicorn did not answer /health in 60 s:\n{log.read_text()[-3000:]}")

    def _server_times(self, log: Path) -> dict:
        durations: dict[str, list[float]] = {kind: [] for kind in KINDS}
        statuses: dict[str, dict[str, int]] = {kind: {} for kind in KINDS}
        for line in log.read_text(errors="replace").splitlines():
            if not line.startswith("{") or '"techspec.request"' not in line:
                continue
            entry = json.loads(line)
            kind = classify(entry["method"], entry["path"])
            if kind:
                durations[kind].append(entry["duration_ms"])
                code = str(entry["status"])
                statuses[kind][code] = statuses[kind].get(code, 0) + 1
        out = {}
        for kind in KINDS:
            values = sorted(durations[kind])
            out[kind] = {"count": len(values), "p50_ms": percentile(values, 0.50), "p95_ms": percentile(values, 0.95),
                         "p99_ms": percentile(values, 0.99), "statuses": statuses[kind]}
        return out

    # --- report -----------------------------------------------------------------------

    def _report(self, n, opts, shape, client, server_side, stored, url) -> dict:
        seconds = client["duration_us"] / 1e6
        statuses = {int(code): count for code, count in client["statuses"].items()}
        accepted = {kind: sum(c for code, c in server_side[kind]["statuses"].items() if code.startswith("2"))
                    for kind in ("decision", "message")}
        stored["lost"] = max(0, accepted["decision"] - stored["decisions"]) + max(
            0, accepted["message"] - stored["messages"])
        stored["accepted"] = accepted
        with psycopg.connect(url) as conn:
            pg_version = conn.execute("SHOW server_version").fetchone()[0].split()[0]
        meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
        match = re.search(r"MemTotal:\s+(\d+)", meminfo)
        return {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"cores": os.cpu_count(), "memory_gib": round(int(match.group(1)) / 1024**2, 1) if match
                        else None, "postgresql": pg_version, "python": platform.python_version()},
            "sessions": n,
            "seconds": opts["seconds"],
            "connections": opts["connections"],
            "server": {k: shape[k] for k in ("workers", "threads", "timeout", "pool_max")},
            "worker_class": shape["worker_class"],
            "server_defaults": {"workers": shape["default_workers"], "connections": shape["default_connections"]},
            "load_average_before": shape.get("load_average_before"),
            "cpu": shape["cpu"],
            "requests": client["requests"],
            "requests_per_second": round(client["requests"] / seconds, 1) if seconds else 0.0,
            "latency_ms": {q: round(client[f"{q}_us"] / 1000, 2) for q in ("p50", "p95", "p99", "max")},
            "statuses": statuses,
            "non_2xx": sum(c for code, c in statuses.items() if not 200 <= code < 300),
            "server_5xx": sum(c for code, c in statuses.items() if code >= 500),
            "socket_errors": client["socket_errors"],
            "sent": client["sent"],
            "client_by_kind": client["by_kind"],
            "server_side": server_side,
            "writes": stored,
            "rates": LOAD_RATES,
        }


def _gunicorn_conf(overrides: dict[str, str]) -> dict:
    """gunicorn.conf.py's settings with WEB_CONCURRENCY and GUNICORN_THREADS from `overrides` (else its defaults)."""
    saved = os.environ.copy()
    try:
        for name in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_WORKER_CLASS"):
            os.environ.pop(name, None)
        os.environ.update(overrides)
        return runpy.run_path(str(GUNICORN_CONF))
    finally:
        os.environ.clear()
        os.environ.update(saved)


def client_times(latencies: dict) -> dict:
    """Percentiles (ms) of each kind's request times as wrk's connections saw them.

    load_mix.lua counts the times in buckets of bucket_us; a percentile is its bucket's upper edge.
    """
    width_ms = latencies["bucket_us"] / 1000
    out = {}
    for kind in KINDS:
        counts = sorted((int(bucket), count) for bucket, count in latencies.get(kind, {}).items())
        total = sum(count for _, count in counts)
        out[kind] = {"count": total}
        for q in (50, 95, 99):
            rank, seen, value = max(1, math.ceil(q / 100 * total)), 0, 0.0
            for bucket, count in counts:
                seen += count
                if seen >= rank:
                    value = (bucket + 1) * width_ms
                    break
            out[kind][f"p{q}_ms"] = round(value, 1)
    return out


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def render_section(r: dict) -> str:
    m, s = r["machine"], r["server"]
    lat = r["latency_ms"]
    statuses = ", ".join(f"{code}: {count:,}" for code, count in sorted(r["statuses"].items()))
    lines = [
        f"## Load: {r['sessions']:,} sessions, gunicorn {s['workers']} x {plural(s['threads'], 'thread')}"
        + ("" if r.get("worker_class", "gthread") == "gthread" else f" ({r['worker_class']} workers)"),
        "",
        f"Measured {r['date']} on {m['cores']} cores, {m['memory_gib']} GiB, PostgreSQL {m['postgresql']} "
        f"(embedded unless DATABASE_URL was set), Python {m['python']}, by `make load LOAD_SESSIONS={r['sessions']} "
        f"LOAD_SECONDS={r['seconds']} LOAD_CONNECTIONS={r['connections']} LOAD_WORKERS={s['workers']} "
        f"LOAD_THREADS={s['threads']}` (`manage.py load_report`): wrk with "
        f"{r['connections']} connections for {r['seconds']} s against gunicorn ({s['workers']} processes x "
        f"{plural(s['threads'], 'thread')}, pool of {plural(s['pool_max'], 'connection')} each, DEBUG off, "
        "JSON request logs), "
        f"wrk, gunicorn and PostgreSQL sharing the machine (1-minute load average as wrk started: "
        f"{r['load_average_before']}). Throttling on with "
        f"API_USER_RATE={r['rates']['API_USER_RATE']}, API_GLOBAL_RATE={r['rates']['API_GLOBAL_RATE']}.",
        "",
        f"**{r['requests_per_second']:,} requests/s** ({r['requests']:,} requests); latency at the client "
        f"p50 {lat['p50']} ms, p95 {lat['p95']} ms, p99 {lat['p99']} ms, max {lat['max']} ms; "
        f"non-2xx {r['non_2xx']:,} (5xx {r['server_5xx']:,}); statuses {statuses}; socket errors "
        + ", ".join(f"{k} {v}" for k, v in r["socket_errors"].items()) + ".",
        "",
        "| request kind | sent | client p50 ms | client p95 ms | client p99 ms | server p50 ms | server p95 ms "
        "| server p99 ms | statuses |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for kind in KINDS:
        t, c = r["server_side"][kind], r["client_by_kind"][kind]
        codes = ", ".join(f"{code}: {count:,}" for code, count in sorted(t["statuses"].items())) or "–"
        lines.append(f"| {KIND_LABELS[kind]} | {r['sent'][kind]:,} | {c['p50_ms']:.1f} | {c['p95_ms']:.1f} | "
                     f"{c['p99_ms']:.1f} | {t['p50_ms']:.1f} | {t['p95_ms']:.1f} | {t['p99_ms']:.1f} | {codes} |")
    w, cpu = r["writes"], r["cpu"]
    ms = cpu["ms_per_request"]
    lines += [
        "",
        f"CPU per request: gunicorn {ms['gunicorn']} ms, PostgreSQL "
        f"{'n/a (not on this machine)' if ms['postgres'] is None else str(ms['postgres']) + ' ms'} "
        f"(each server's process tree, exited children included), wrk {ms['wrk']} ms; the machine was busy "
        f"{cpu['busy_percent']} % of its {m['cores']} cores' time, with {cpu['steal_percent']} % stolen by "
        f"the hypervisor.",
        "",
        "Client times are from sending a request to its whole response, on wrk's connections (one per wrk "
        "thread), so they include the wait in gunicorn's queue; server times are Django's own (request_log's "
        f"duration_ms), without that queue. Writes: "
        f"{w['accepted']['decision']:,} decisions and {w['accepted']['message']:,} agent messages answered 2xx; "
        f"{w['decisions']:,} and {w['messages']:,} found in the database afterwards; lost: {w['lost']}.",
    ]
    return "\n".join(lines) + "\n"


def render_capacity(r: dict) -> str:
    s, m, d = r["server"], r["machine"], r["server_defaults"]
    rps = r["requests_per_second"]
    per_core = rps / m["cores"] if m["cores"] else rps
    connections = s["workers"] * s["pool_max"]
    return "\n".join([
        f"Measured by `make load` on {r['date']} ({r['sessions']:,} sessions, {r['seconds']} s, "
        f"{r['connections']} wrk connections; the section in docs/PERFORMANCE.md has every figure):",
        "",
        f"- one app server of {m['cores']} cores ({s['workers']} gunicorn processes x "
        f"{plural(s['threads'], 'thread')}) "
        f"served **{rps:,} requests/s** of the mix with p95 {r['latency_ms']['p95']} ms and p99 "
        f"{r['latency_ms']['p99']} ms, {r['server_5xx']} 5xx, while PostgreSQL and wrk ran on the same cores: "
        f"about **{per_core:,.0f} requests/s per core** is a floor for an app server with the database elsewhere;",
        f"- it held at most {connections} database connections ({s['workers']} processes x a pool of "
        f"{s['pool_max']}); with gunicorn.conf.py's defaults on this machine ({d['workers']} processes, "
        f"`DB_POOL_MAX_SIZE` = `GUNICORN_THREADS`) an app server holds up to {d['connections']};",
        f"- so N app servers need N x `WEB_CONCURRENCY` x `DB_POOL_MAX_SIZE` connections from PgBouncer (or "
        f"PostgreSQL): N x {connections} in this run's shape, N x {d['connections']} with the defaults; and a "
        f"target of R requests/s needs about R / {rps:,.0f} app servers of this size, plus one spare.",
    ]) + "\n"
