"""The events benchmark (`make events-bench`): many sockets, steady writers, a reconnect storm.

Serves techspec_events_<sessions> with `make serve`'s stack (gunicorn, uvicorn workers, DEBUG
off) on loopback, opens the sockets from this process (one asyncio loop), and commits
conversation messages at a fixed rate from other connections. Each message names its write,
so a socket's receipt is matched to the moment its INSERT (an autocommit, so the commit) was
sent. At the end every socket must have received exactly the cursors c0+1 .. last of its
session, once each and in order, across the reconnect storm too.
"""

from __future__ import annotations

import asyncio
import json
import random
import resource
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import psycopg

from tooling.benchmarks.percentiles import percentile
from tooling.load.server import free_port, production_env


@dataclass
class Follower:
    """One socket's view: the cursors it received, in arrival order."""

    session_id: str
    first: int = 0
    cursors: list[int] = field(default_factory=list)
    reconnect_seconds: float | None = None


def raise_open_files_limit(wanted: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def server_env(url: str, workers: int, tmp: Path) -> tuple[dict[str, str], int]:
    """`make serve`'s stack for the events: uvicorn workers; the server's environment and port."""
    port = free_port()
    return {
        **production_env(url, tmp, port), "WEB_CONCURRENCY": str(workers), "GUNICORN_WORKER_CLASS": "asgi",
        "LOG_LEVEL": "WARNING",
        # One staff token follows every session: the benchmark measures delivery, not the per-caller guards.
        "API_USER_RATE": "100000000/min", "EVENTS_MAX_SOCKETS_PER_CALLER": "1000000",
    }, port


def tree_rss_mib(pid: int) -> float:
    root = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [root, *root.children(recursive=True)]) / 2**20


class Bench:
    def __init__(self, *, url: str, port: int, token: str, session_ids: list[str], sockets: int, rate: int):
        self.url, self.port, self.token = url, port, token
        self.followers = [Follower(session_ids[i % len(session_ids)]) for i in range(sockets)]
        self.session_ids = session_ids
        self.rate = rate
        self.sent_at: dict[int, float] = {}
        self.latencies: list[float] = []
        self.storm_latencies: list[float] = []
        self.in_storm = False
        self.connected = 0
        self.all_connected = asyncio.Event()
        self.storm = asyncio.Event()
        self.stop = asyncio.Event()
        self.errors: list[str] = []

    async def follow(self, follower: Follower) -> None:
        import websockets

        base = f"ws://127.0.0.1:{self.port}/ws/tech-spec/{follower.session_id}"
        headers = {"Authorization": f"Bearer {self.token}"}
        after = None
        while not self.stop.is_set():
            started = time.perf_counter()
            try:
                async with websockets.connect(base if after is None else f"{base}?after={after}",
                                              additional_headers=headers, open_timeout=120, max_queue=None,
                                              ping_interval=None) as ws:
                    snapshot = json.loads(await ws.recv())
                    if after is None:
                        follower.first = snapshot["cursor"]
                        self.connected += 1
                        if self.connected == len(self.followers):
                            self.all_connected.set()
                    else:
                        follower.reconnect_seconds = time.perf_counter() - started
                    receiver = asyncio.ensure_future(self._receive(ws, follower))
                    storm = asyncio.ensure_future(self.storm.wait() if after is None else self.stop.wait())
                    await asyncio.wait([receiver, storm], return_when=asyncio.FIRST_COMPLETED)
                    receiver.cancel()
                    storm.cancel()
            except websockets.ConnectionClosed as closed:
                self.errors.append(f"closed {closed.rcvd.code if closed.rcvd else 1006}")
            except (OSError, TimeoutError) as exc:
                self.errors.append(repr(exc))
                await asyncio.sleep(0.5)
            after = follower.cursors[-1] if follower.cursors else follower.first

    async def _receive(self, ws, follower: Follower) -> None:
        async for text in ws:
            event = json.loads(text)
            now = time.time()
            follower.cursors.append(event["cursor"])
            message = event["data"].get("message") or ""
            if message.startswith("bench:"):
                sent = self.sent_at.get(int(message[6:]))
                if sent is not None:
                    (self.storm_latencies if self.in_storm else self.latencies).append((now - sent) * 1000)

    async def write(self, seconds: float, writers: int = 4) -> int:
        """Commit `rate` messages a second for `seconds`, spread over `writers` connections."""
        counter = iter(range(10**9))
        start = time.perf_counter() + 0.1
        total = int(self.rate * seconds)

        async def writer(index: int) -> None:
            async with await psycopg.AsyncConnection.connect(self.url, autocommit=True) as conn:
                for n in range(index, total, writers):
                    delay = start + n / self.rate - time.perf_counter()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    number = next(counter)
                    session_id = random.choice(self.session_ids)
                    self.sent_at[number] = time.time()
                    await conn.execute(
                        "INSERT INTO tech_conversations (session_id, role, message, message_type, metadata)"
                        " VALUES (%s, 'agent', %s, 'text', '{}')", [session_id, f"bench:{number}"])

        await asyncio.gather(*(writer(i) for i in range(writers)))
        return total

    def counts(self, last: dict[str, int]) -> dict:
        lost = duplicated = out_of_order = 0
        for f in self.followers:
            expected = set(range(f.first + 1, last.get(f.session_id, 0) + 1))
            got = f.cursors
            duplicated += len(got) - len(set(got))
            out_of_order += sum(1 for a, b in zip(got, got[1:], strict=False) if b < a)
            lost += len(expected - set(got))
        return {"lost": lost, "duplicated": duplicated, "out_of_order": out_of_order}


def latency_summary(values: list[float]) -> dict:
    values = sorted(values)
    if not values:
        return {"count": 0}
    return {"count": len(values), **{q: round(percentile(values, p), 1) for q, p in
                                     (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))}, "max": round(values[-1], 1)}


def session_last_cursors(url: str, session_ids: list[str]) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT session_id::text, last_seq FROM session_event_counters"
                            " WHERE session_id = ANY(%s::uuid[])", [session_ids]).fetchall()
    return dict(rows)


async def run_bench(*, url: str, port: int, server_pid: int, token: str, session_ids: list[str], sockets: int,
                    rate: int, seconds: int, storm_seconds: int, progress) -> dict:
    bench = Bench(url=url, port=port, token=token, session_ids=session_ids, sockets=sockets, rate=rate)
    rss_before = tree_rss_mib(server_pid)
    started = time.perf_counter()
    tasks = []
    for i, follower in enumerate(bench.followers):
        tasks.append(asyncio.ensure_future(bench.follow(follower)))
        if i % 100 == 99:
            await asyncio.sleep(0.05)  # a steady arrival, as after a deploy
    await asyncio.wait_for(bench.all_connected.wait(), timeout=600)
    connect_seconds = time.perf_counter() - started
    await asyncio.sleep(3)
    rss_idle = tree_rss_mib(server_pid)
    progress(f"{sockets} sockets connected in {connect_seconds:.1f} s; server RSS {rss_before:.0f} -> "
             f"{rss_idle:.0f} MiB; writing {rate}/s for {seconds} s ...")
    written = await bench.write(seconds)
    await asyncio.sleep(2)
    steady = bench.counts(session_last_cursors(url, session_ids))
    progress(f"steady: {latency_summary(bench.latencies)}; {steady}; reconnect storm ...")
    bench.in_storm = True
    bench.storm.set()  # every socket closes and resumes with its cursor, while writers go on
    storm_started = time.perf_counter()
    storm_written = await bench.write(storm_seconds)
    last = session_last_cursors(url, session_ids)
    # Counted once every socket has resumed and caught up (or after 5 minutes, which would count as lost).
    deadline = time.perf_counter() + 300
    while time.perf_counter() < deadline and not all(
        f.reconnect_seconds is not None and (f.cursors[-1] if f.cursors else f.first) >= last.get(f.session_id, 0)
        for f in bench.followers
    ):
        await asyncio.sleep(0.5)
    storm_seconds_taken = time.perf_counter() - storm_started
    bench.stop.set()
    total = bench.counts(last)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    reconnects = sorted(f.reconnect_seconds for f in bench.followers if f.reconnect_seconds is not None)
    return {
        "sockets": sockets, "sessions": len(session_ids), "rate": rate, "seconds": seconds,
        "connect_seconds": round(connect_seconds, 1), "written": written, "storm_written": storm_written,
        "latency_ms": latency_summary(bench.latencies), "steady": steady,
        "storm_latency_ms": latency_summary(bench.storm_latencies), "total": total,
        "reconnected": len(reconnects), "storm_seconds": round(storm_seconds_taken, 1),
        "reconnect_p95_s": round(percentile(reconnects, 0.95), 2) if reconnects else None,
        "reconnect_max_s": round(reconnects[-1], 2) if reconnects else None,
        "rss_before_mib": round(rss_before, 1), "rss_idle_mib": round(rss_idle, 1),
        "rss_per_1000_idle_mib": round((rss_idle - rss_before) / sockets * 1000, 1),
        "close_codes": sorted(set(bench.errors))[:10],
    }
