"""manage.py load_compare: `make load`'s HTTP mix against gunicorn gthread (WSGI) and gunicorn with
uvicorn workers (ASGI: Django's HTTP views through techspec_project.asgi), interleaved, in one run.

The machine is shared, so the two shapes alternate (gthread, asgi, asgi, gthread, ...) and each
runs --rounds times; the table and the change in requests/s go to docs/PERFORMANCE.md.
"""

from __future__ import annotations

import json
import statistics
from io import StringIO

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from tooling.benchmarks.databases import ScaleDatabase
from tooling.benchmarks.markdown import update_block

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


class Command(BaseCommand):
    help = ("Run load_report against gunicorn gthread and gunicorn with uvicorn workers, alternating, "
            "and print (and write to docs/PERFORMANCE.md) the requests/s of each.")

    def add_arguments(self, parser):
        parser.add_argument("--sessions", type=int, default=100_000, help="Scale (default: 100000).")
        parser.add_argument("--seconds", type=int, default=20, help="Length of each wrk run (default: 20).")
        parser.add_argument("--rounds", type=int, default=2, help="Runs of each shape (default: 2).")
        parser.add_argument("--connections", type=int, default=16, help="wrk connections (default: 16).")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn processes (default: 2).")
        parser.add_argument("--threads", type=int, default=1, help="gthread threads per process (default: 1).")
        parser.add_argument("--what", choices=("server", "triggers"), default="server",
                            help="server: gthread against uvicorn workers (default); triggers: gthread with the "
                                 "event triggers off (the code before live events) and on.")
        parser.add_argument("--no-write", action="store_true", help="Print only; leave the docs alone.")

    def handle(self, *args, **opts):
        if opts["rounds"] < 1:
            raise CommandError("--rounds must be at least 1.")
        runs: list[dict] = []
        shapes = SHAPES if opts["what"] == "server" else TRIGGER_SHAPES
        tracked = opts["what"] == "triggers" and _track_functions(opts["sessions"], on=True)
        try:
            self._rounds(runs, shapes, opts)
        finally:
            if tracked:
                _track_functions(opts["sessions"], on=False)
        section = render(runs, opts) if opts["what"] == "server" else render_triggers(runs, opts)
        self.stdout.write(section)
        if not opts["no_write"]:
            key = "bench:serving-compare" if opts["what"] == "server" else "bench:triggers-compare"
            update_block(settings.BASE_DIR / "docs" / "PERFORMANCE.md", key, section)
            self.stderr.write("Updated docs/PERFORMANCE.md.")

    def _rounds(self, runs: list[dict], shapes: tuple[str, str], opts: dict) -> None:
        for round_no in range(opts["rounds"]):
            order = shapes if round_no % 2 == 0 else tuple(reversed(shapes))
            for shape in order:
                trigger_ms = None
                if opts["what"] == "triggers":
                    try:
                        _set_event_triggers(opts["sessions"], enabled=shape == "triggers-on")
                        _reset_function_stats(opts["sessions"])
                        report = self._load_report("gthread", opts)
                        trigger_ms = _trigger_ms(opts["sessions"])
                    finally:
                        _set_event_triggers(opts["sessions"], enabled=True)
                else:
                    report = self._load_report(shape, opts)
                cpu = report["cpu"]["ms_per_request"]
                run = {"round": round_no + 1, "shape": shape, "rps": report["requests_per_second"],
                       "p95": report["latency_ms"]["p95"], "non_2xx": report["non_2xx"],
                       "load": report["load_average_before"], "date": report["date"], "machine": report["machine"],
                       "server_cpu": _server_cpu(cpu), "busy": report["cpu"]["busy_percent"],
                       "trigger_ms": round(trigger_ms / report["requests"], 3) if trigger_ms is not None
                       and report["requests"] else None}
                runs.append(run)
                self.stderr.write(f"round {run['round']} {shape}: {run['rps']} requests/s, server CPU "
                                  f"{run['server_cpu']} ms/request")

    def _load_report(self, shape: str, opts: dict) -> dict:
        try:
            return _run_once(shape, opts, self.stderr)
        except CommandError as exc:
            # wrk 4.1 now and then dies of a segmentation fault on this machine: one more try.
            if "wrk failed" not in str(exc):
                raise
            self.stderr.write(f"{exc}; running {shape} again")
            return _run_once(shape, opts, self.stderr)


def _set_event_triggers(sessions: int, *, enabled: bool) -> None:
    from psycopg import sql

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
    from psycopg import sql

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
        if conn.execute("SHOW track_functions").fetchone()[0] == "none":
            return None
        conn.execute("SELECT pg_stat_clear_snapshot()")
        row = conn.execute("SELECT coalesce(sum(self_time), 0) FROM pg_stat_user_functions "
                           "WHERE funcname = ANY(%s)", [list(EVENT_FUNCTIONS)]).fetchone()
    return float(row[0])


def _server_cpu(cpu: dict) -> float | None:
    if cpu.get("gunicorn") is None or cpu.get("postgres") is None:
        return None
    return round(cpu["gunicorn"] + cpu["postgres"], 2)


def render_triggers(runs: list[dict], opts: dict) -> str:
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


def _dash(value) -> str:
    return "-" if value is None else str(value)


def _run_once(shape: str, opts: dict, stderr) -> dict:
    out = StringIO()
    call_command("load_report", sessions=opts["sessions"], seconds=opts["seconds"], connections=opts["connections"],
                 workers=opts["workers"], threads=opts["threads"], worker_class=shape, json=True, no_write=True,
                 stdout=out, stderr=stderr)
    return json.loads(out.getvalue())


def render(runs: list[dict], opts: dict) -> str:
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
