"""`make load`'s HTTP mix against two server shapes, interleaved, in one run (load_compare).

--what server: gunicorn gthread (WSGI) against gunicorn with uvicorn workers (ASGI: Django's HTTP
views through techspec_project.asgi). --what triggers: the same gthread server with the event-log
triggers off and on. The machine is shared, so the two shapes alternate (A, B, B, A, ...) and each
runs `rounds` times; the table and the change in requests/s go to docs/PERFORMANCE.md.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from tooling.benchmarks.databases import ScaleDatabase
from tooling.load.run import LoadOptions, check_writes, load_run
from tooling.load.server import ServerShape, WrkFailed
from tooling.markdown import docs_path, update_block

SHAPES = ("gthread", "asgi")
# --what triggers: the same gthread server with the event-log triggers (migration 0011) switched off,
# i.e. the code before live events, and on.
EVENT_TRIGGERS = (
    ("tech_spec_sessions", "session_events_session"), ("tech_research", "session_events_research_insert"),
    ("tech_research", "session_events_research_decided"), ("tech_conversations", "session_events_conversation"),
    ("generated_trd_documents", "session_events_trd"), ("agent_error_logs", "session_events_error_insert"),
    ("agent_error_logs", "session_events_error_recovered"),
)
TRIGGER_SHAPES = ("triggers-off", "triggers-on")


@dataclass(frozen=True)
class CompareOptions:
    """What `make load-compare` asks for (load_compare's options)."""

    sessions: int = 100_000
    seconds: int = 20
    rounds: int = 2
    connections: int = 16
    workers: int = 2
    threads: int = 1
    what: str = "server"  # or "triggers"

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def load_compare(options: CompareOptions, progress: Callable[[str], Any] = print) -> str:
    """Run the rounds, write the comparison's section of docs/PERFORMANCE.md unless told not to: its text."""
    runs: list[dict[str, Any]] = []
    shapes = SHAPES if options.what == "server" else TRIGGER_SHAPES
    tracked = options.what == "triggers" and _track_functions(options.sessions, on=True)
    try:
        for round_no in range(options.rounds):
            order = shapes if round_no % 2 == 0 else tuple(reversed(shapes))
            for shape in order:
                runs.append(_one_run(round_no + 1, shape, options, progress))
    finally:
        if tracked:
            _track_functions(options.sessions, on=False)
    opts = options.as_dict()
    return render(runs, opts) if options.what == "server" else render_triggers(runs, opts)


def write_compare(section: str, what: str) -> None:
    key = "bench:serving-compare" if what == "server" else "bench:triggers-compare"
    update_block(docs_path(), key, section)


def _one_run(round_no: int, shape: str, options: CompareOptions,
             progress: Callable[[str], Any]) -> dict[str, Any]:
    trigger_ms = None
    if options.what == "triggers":
        try:
            _set_event_triggers(options.sessions, enabled=shape == "triggers-on")
            _reset_function_stats(options.sessions)
            report = _load_report("gthread", options, progress)
            trigger_ms = _trigger_ms(options.sessions)
        finally:
            _set_event_triggers(options.sessions, enabled=True)
    else:
        report = _load_report(shape, options, progress)
    cpu = report["cpu"]["ms_per_request"]
    run = {"round": round_no, "shape": shape, "rps": report["requests_per_second"],
           "p95": report["latency_ms"]["p95"], "non_2xx": report["non_2xx"],
           "load": report["load_average_before"], "date": report["date"], "machine": report["machine"],
           "server_cpu": _server_cpu(cpu), "busy": report["cpu"]["busy_percent"],
           "trigger_ms": round(trigger_ms / report["requests"], 3) if trigger_ms is not None
           and report["requests"] else None}
    progress(f"round {run['round']} {shape}: {run['rps']} requests/s, server CPU {run['server_cpu']} ms/request")
    return run


def _load_report(worker_class: str, options: CompareOptions, progress: Callable[[str], Any]) -> dict[str, Any]:
    load = LoadOptions(sessions=options.sessions, seconds=options.seconds, connections=options.connections,
                       shape=ServerShape(workers=options.workers, threads=options.threads,
                                         worker_class=worker_class))
    try:
        report = load_run(load, progress)
    except WrkFailed as exc:
        # wrk 4.1 now and then dies of a segmentation fault on this machine: one more try.
        progress(f"{exc}; running {worker_class} again")
        report = load_run(load, progress)
    check_writes(report)
    return report


def _set_event_triggers(sessions: int, *, enabled: bool) -> None:
    action = sql.SQL("ENABLE" if enabled else "DISABLE")
    with psycopg.connect(ScaleDatabase("load", sessions).url, autocommit=True) as conn:
        for table, trigger in EVENT_TRIGGERS:
            conn.execute(sql.SQL("ALTER TABLE {} {} TRIGGER {}").format(
                sql.Identifier(table), action, sql.Identifier(trigger)))


# The event-log functions of migration 0011: their own time is what the triggers add to the SQL.
EVENT_FUNCTIONS = ("techspec_event_append", "techspec_events_session", "techspec_events_research",
                   "techspec_events_conversation", "techspec_events_trd", "techspec_events_error")


def _track_functions(sessions: int, *, on: bool) -> bool:
    """track_functions = pl for the load database's new sessions (both shapes, so both pay its small cost);
    False when this role may not set it (a superuser-only setting): the column then stays empty."""
    database = ScaleDatabase("load", sessions)
    action = sql.SQL("SET track_functions = 'pl'" if on else "RESET track_functions")
    try:
        with psycopg.connect(database.url, autocommit=True) as conn:
            conn.execute(sql.SQL("ALTER DATABASE {} ").format(sql.Identifier(database.name)) + action)
    except psycopg.errors.InsufficientPrivilege:
        return False
    return True


def _reset_function_stats(sessions: int) -> None:
    with psycopg.connect(ScaleDatabase("load", sessions).url, autocommit=True) as conn:
        conn.execute("SELECT pg_stat_reset_single_function_counters(p.oid) FROM pg_proc p "
                     "WHERE p.proname = ANY(%s)", [list(EVENT_FUNCTIONS)])


def _trigger_ms(sessions: int) -> float | None:
    """Milliseconds spent inside the event-log functions since the reset (pg_stat_user_functions, with
    _track_functions on); the server's backends report their counters when they exit, which load_report
    waited for. None when they are not tracked."""
    with psycopg.connect(ScaleDatabase("load", sessions).url, autocommit=True) as conn:
        tracking = conn.execute("SHOW track_functions").fetchone()
        if tracking is None or tracking[0] == "none":
            return None
        conn.execute("SELECT pg_stat_clear_snapshot()")
        row = conn.execute("SELECT coalesce(sum(self_time), 0) FROM pg_stat_user_functions "
                           "WHERE funcname = ANY(%s)", [list(EVENT_FUNCTIONS)]).fetchone()
    return float(row[0]) if row is not None else None


def _server_cpu(cpu: dict[str, Any]) -> float | None:
    if cpu.get("gunicorn") is None or cpu.get("postgres") is None:
        return None
    return round(cpu["gunicorn"] + cpu["postgres"], 2)


def render_triggers(runs: list[dict[str, Any]], opts: dict[str, Any]) -> str:
    means = {shape: statistics.mean(r["rps"] for r in runs if r["shape"] == shape) for shape in TRIGGER_SHAPES}
    change = (means["triggers-on"] - means["triggers-off"]) / means["triggers-off"] * 100
    cpu = {shape: [r["server_cpu"] for r in runs if r["shape"] == shape and r["server_cpu"] is not None]
           for shape in TRIGGER_SHAPES}
    trigger = [r["trigger_ms"] for r in runs if r["shape"] == "triggers-on" and r["trigger_ms"] is not None]
    cost = []
    if cpu["triggers-off"] and cpu["triggers-on"]:
        off, on = statistics.mean(cpu["triggers-off"]), statistics.mean(cpu["triggers-on"])
        cost.append(f"Mean server CPU per request (gunicorn + PostgreSQL, the cost that decides requests/s on "
                    f"a saturated machine): off {off:.2f} ms, on {on:.2f} ms ({(on - off) / off * 100:+.1f} %).")
    if trigger:
        cost.append(f"Time inside the event-log trigger functions (pg_stat_user_functions, track_functions = pl): "
                    f"{statistics.mean(trigger):.3f} ms per request on average over all requests.")
    m = runs[0]["machine"]
    return "\n".join([
        "## HTTP requests/s before and after live events (event triggers off vs on)",
        "",
        f"Measured {runs[-1]['date']} on {m['cores']} cores, PostgreSQL {m['postgresql']}, Python {m['python']}, "
        f"by `manage.py load_compare --what triggers --sessions {opts['sessions']} --seconds {opts['seconds']} "
        f"--rounds {opts['rounds']}`: `make load`'s mix against `make serve`'s HTTP server (gunicorn gthread, "
        f"{opts['workers']} processes x {opts['threads']} thread(s)), with the event-log triggers of migration "
        "0011 disabled (what main served before live events) and enabled, alternating on a machine other work "
        "shares.",
        "",
        "| round | event triggers | requests/s | client p95 ms | non-2xx | server CPU ms/request | "
        "trigger functions ms/request | machine busy % | load average before |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *(f"| {r['round']} | {r['shape']} | {r['rps']} | {r['p95']} | {r['non_2xx']} | {_dash(r['server_cpu'])} | "
          f"{_dash(r['trigger_ms'])} | {_dash(r['busy'])} | {r['load']} |" for r in runs),
        "",
        f"Mean requests/s: off {means['triggers-off']:.1f}, on {means['triggers-on']:.1f} ({change:+.1f} %).",
        *cost,
        "",
    ])


def _dash(value: object) -> str:
    return "-" if value is None else str(value)


def render(runs: list[dict[str, Any]], opts: dict[str, Any]) -> str:
    means = {shape: statistics.mean(r["rps"] for r in runs if r["shape"] == shape) for shape in SHAPES}
    change = (means["asgi"] - means["gthread"]) / means["gthread"] * 100
    m = runs[0]["machine"]
    lines = [
        "## Serving HTTP through ASGI (gthread vs uvicorn workers)",
        "",
        f"Measured {runs[-1]['date']} on {m['cores']} cores, PostgreSQL {m['postgresql']}, Python {m['python']}, "
        f"by `make load-compare LOAD_SESSIONS={opts['sessions']} LOAD_SECONDS={opts['seconds']} "
        f"LOAD_ROUNDS={opts['rounds']}` (`manage.py load_compare`): `make load`'s mix, {opts['connections']} "
        f"connections, gunicorn {opts['workers']} processes, gthread with {opts['threads']} thread(s) each "
        "against uvicorn workers (`GUNICORN_WORKER_CLASS=asgi`, which would serve HTTP and the events WebSocket "
        "on one port), alternating on a machine other work shares.",
        "",
        "| round | workers | requests/s | client p95 ms | non-2xx | load average before |",
        "| ---: | --- | ---: | ---: | ---: | ---: |",
        *(f"| {r['round']} | {r['shape']} | {r['rps']} | {r['p95']} | {r['non_2xx']} | {r['load']} |" for r in runs),
        "",
        f"Mean requests/s: gthread {means['gthread']:.1f}, asgi {means['asgi']:.1f} "
        f"({change:+.1f} % for asgi).",
        "",
    ]
    return "\n".join(lines)
