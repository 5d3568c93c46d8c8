"""CPU probes from /proc: where the cores went during a load run (Linux only; None elsewhere)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import psycopg

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
        row = conn.execute("SELECT pg_backend_pid()").fetchone()
        fields = _proc_stat(row[0]) if row else None  # read while the backend lives
    return int(fields[1]) if fields else None


def cpu_snapshot(server_pid: int, postmaster: int | None) -> dict[str, Any]:
    """CPU seconds used so far by gunicorn's and PostgreSQL's process trees, and by the whole
    machine (busy and steal, from /proc/stat)."""
    machine = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, idle, iowait, irq, softirq, steal = (int(x) / _TICKS for x in machine[:8])
    return {
        "gunicorn": _tree_cpu(server_pid),
        "postgres": _tree_cpu(postmaster) if postmaster else None,
        "busy": user + nice + system + irq + softirq, "steal": steal, "all": sum(int(x) for x in machine[:8]) / _TICKS,
    }


def cpu_used(before: dict[str, Any], after: dict[str, Any], wrk_seconds: float, requests: int) -> dict[str, Any]:
    """Where the cores went during the run: milliseconds of CPU per request, and machine shares."""
    per_request: dict[str, float | None] = {
        name: round((after[name] - before[name]) / requests * 1000, 2)
        if requests and before[name] is not None and after[name] is not None else None
        for name in ("gunicorn", "postgres")
    }
    per_request["wrk"] = round(wrk_seconds / requests * 1000, 2) if requests else None
    span = after["all"] - before["all"]
    return {"ms_per_request": per_request,
            "busy_percent": round(100 * (after["busy"] - before["busy"]) / span, 1) if span else None,
            "steal_percent": round(100 * (after["steal"] - before["steal"]) / span, 1) if span else None}
