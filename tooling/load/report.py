"""What a load run measured: the report (load_report --json) and its Markdown, the scale's section of
docs/PERFORMANCE.md and the capacity block of docs/DEPLOYMENT.md."""

from __future__ import annotations

import os
import platform
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from tooling.load.mix import KIND_LABELS, KINDS
from tooling.load.server import LOAD_RATES


def build_report(run: dict[str, Any], client: dict[str, Any], server_side: dict[str, Any],
                 stored: dict[str, Any], url: str) -> dict[str, Any]:
    """The run's figures, as load_report --json prints them and the sections below render them."""
    shape = run["shape"]
    seconds = client["duration_us"] / 1e6
    statuses = {int(code): count for code, count in client["statuses"].items()}
    accepted = {kind: sum(c for code, c in server_side[kind]["statuses"].items() if code.startswith("2"))
                for kind in ("decision", "message")}
    stored["lost"] = max(0, accepted["decision"] - stored["decisions"]) + max(
        0, accepted["message"] - stored["messages"])
    stored["accepted"] = accepted
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(url),
        "sessions": run["sessions"],
        "seconds": run["seconds"],
        "connections": run["connections"],
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


def machine(url: str) -> dict[str, Any]:
    with psycopg.connect(url) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    match = re.search(r"MemTotal:\s+(\d+)", meminfo)
    return {"cores": os.cpu_count(), "memory_gib": round(int(match.group(1)) / 1024**2, 1) if match else None,
            "postgresql": row[0].split()[0] if row else "?", "python": platform.python_version()}


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def render_section(r: dict[str, Any]) -> str:
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


def render_capacity(r: dict[str, Any]) -> str:
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
