"""The request mix: who calls what (sessions, research, tokens), the Lua data wrk reads, and the
results read back from wrk's output, the server's request log and the database."""

from __future__ import annotations

import json
import math
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
from django.core.management.base import CommandError

from sessions_app.api.token_keys import token_issue
from sessions_app.roles import Role
from tooling.benchmarks.percentiles import percentile

KINDS = ("poll", "list", "decision", "message")
KIND_LABELS = {"poll": "status poll (GET)", "list": "session list (GET)", "decision": "decision (POST)",
               "message": "agent message (POST)"}
TOKEN_TTL = timedelta(days=1)


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


def targets(url: str, count: int, run_id: str) -> dict[str, Any]:
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
    tokens = {(user_id, role): token_issue(role=role, user_id=user_id, ttl=TOKEN_TTL)
              for user_id in users for role in (Role.USER, Role.AGENT)}
    return {"sessions": sessions, "research": research, "tokens": tokens, "run_id": run_id}


def lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string of ASCII text is a valid Lua string literal


def lua_data(chosen: dict[str, Any]) -> str:
    """The Lua table load_mix.lua reads: one request per entry, by kind."""
    tokens, run_id = chosen["tokens"], chosen["run_id"]

    def item(method: str, path: str, token: str, body: Any = None) -> str:
        parts = [lua_string(method), lua_string(path), lua_string(token)]
        if body is not None:
            parts.append(lua_string(json.dumps(body)))
        return "{" + ", ".join(parts) + "}"

    polls = [item("GET", f"/api/tech-spec/sessions/{sid}/status", tokens[(uid, Role.USER)])
             for sid, uid in chosen["sessions"]]
    lists = [item("GET", "/api/sessions/", tokens[(uid, Role.USER)]) for _, uid in chosen["sessions"]]
    decisions = [
        item("POST", f"/api/tech-spec/sessions/{sid}/decisions", tokens[(uid, Role.USER)],
             {"decisions": [{"research_id": str(rid), "selected_technology": option,
                             "reasoning": f"load-run {run_id}"}]})
        for rid, sid, uid, option in chosen["research"]
    ]
    messages = [
        item("POST", f"/api/sessions/{sid}/conversations/", tokens[(uid, Role.AGENT)],
             {"role": "agent", "message": f"load-run {run_id}: progress note", "message_type": "text"})
        for sid, uid in chosen["sessions"]
    ]
    blocks = {"polls": polls, "lists": lists, "decisions": decisions, "messages": messages}
    return "return {\n" + "".join(
        f"  {key} = {{\n    " + ",\n    ".join(values) + "\n  },\n" for key, values in blocks.items()
    ) + "}\n"


def stored_writes(url: str, run_id: str) -> dict[str, Any]:
    """The run's writes found in the database afterwards (the mix marks them with the run id)."""
    marker = f"load-run {run_id}"
    with psycopg.connect(url) as conn:
        decisions = conn.execute(
            "SELECT count(*) FROM tech_research WHERE selection_reasoning = %s", [marker]).fetchone()
        messages = conn.execute(
            "SELECT count(*) FROM tech_conversations WHERE role = 'agent' AND message = %s",
            [f"{marker}: progress note"]).fetchone()
    return {"decisions": decisions[0] if decisions else 0, "messages": messages[0] if messages else 0, "lost": None}


def server_times(log: Path) -> dict[str, dict[str, Any]]:
    """Per kind, Django's own request times (the request log's duration_ms) and status counts."""
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


def client_times(latencies: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Percentiles (ms) of each kind's request times as wrk's connections saw them.

    load_mix.lua counts the times in buckets of bucket_us; a percentile is its bucket's upper edge.
    """
    width_ms = latencies["bucket_us"] / 1000
    out: dict[str, dict[str, Any]] = {}
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
