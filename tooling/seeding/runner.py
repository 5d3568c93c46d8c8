"""Run a seed: clear, prepare, write the batches (on one or more connections), analyse, report."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import connection, connections

from tooling.seeding.clear import clear_seeded
from tooling.seeding.config import SeedConfig
from tooling.seeding.progress import Progress
from tooling.seeding.writer import BatchWriter

# Two groups of about equal size, so two connections can analyse them at once.
ANALYZE_GROUPS = (
    ("tech_conversations", "generated_trd_documents"),
    ("tech_research", "tech_spec_sessions", "agent_error_logs"),
)


class SeedAlreadyPresent(Exception):
    """This seed's rows are already in the database."""


class SeedInterrupted(Exception):
    """The run stopped early; `result` holds what was committed, `__cause__` why."""

    def __init__(self, result: SeedResult):
        super().__init__("seeding interrupted")
        self.result = result


@dataclass
class SeedResult:
    """What a run committed, for the summary table and --json."""

    seed: int
    mode: str
    workers: int
    sessions_requested: int
    sessions: int = 0
    batches: int = 0
    batches_total: int = 0
    tables: dict[str, int] = field(default_factory=dict)
    cleared: dict[str, int] | None = None
    seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.tables.values())

    def as_dict(self) -> dict:
        return {
            "seed": self.seed, "mode": self.mode, "workers": self.workers,
            "sessions_requested": self.sessions_requested, "sessions": self.sessions,
            "batches": self.batches, "batches_total": self.batches_total,
            "tables": self.tables, "total_rows": self.total_rows, "cleared": self.cleared,
            "seconds": round(self.seconds, 3),
            "rows_per_second": round(self.total_rows / self.seconds) if self.seconds else None,
        }


class _Batches:
    """Hands out [lo, hi) ranges to workers, one at a time, until stopped."""

    def __init__(self, total: int, size: int):
        self._ranges: Iterator[tuple[int, int]] = ((lo, min(lo + size, total)) for lo in range(0, total, size))
        self._lock = threading.Lock()
        self.stop = threading.Event()

    def next(self) -> tuple[int, int] | None:
        with self._lock:
            if self.stop.is_set():
                return None
            return next(self._ranges, None)


def run_seed(
    config: SeedConfig, *, verify: bool, clear: bool, workers: int, progress_stream, show_progress: bool,
) -> SeedResult:
    """Seed `config.sessions` sessions; raise SeedInterrupted (with what was committed) on any failure."""
    started = time.perf_counter()
    result = SeedResult(seed=config.seed, mode="verify" if verify else "bootstrap", workers=workers,
                        sessions_requested=config.sessions)
    if clear:
        result.cleared = clear_seeded(verify=verify)
    writer = BatchWriter(config=config, verify=verify)
    writer.prepare()  # raises NoDesignJobs in verify mode when there is nothing to attach to
    try:
        if config.sessions and writer.first_session_exists():
            raise SeedAlreadyPresent()
        result.tables = dict.fromkeys(writer.tables, 0)
        batch_size = config.even_batch_size
        result.batches_total = -(-config.sessions // batch_size)
        progress = Progress(progress_stream, tables=writer.tables, total_sessions=config.sessions,
                            enabled=show_progress)
        lock = threading.Lock()

        def committed(lo: int, hi: int, written: dict[str, int]) -> None:
            with lock:
                result.batches += 1
                result.sessions += hi - lo
                for table, rows in written.items():
                    result.tables[table] += rows
            progress.committed(written, hi - lo)

        batches = _Batches(config.sessions, batch_size)
        try:
            if workers <= 1:
                _work(writer, batches, committed)
            else:
                _work_in_parallel(config, verify, writer.jobs, batches, committed, workers)
        except BaseException as exc:
            result.seconds = time.perf_counter() - started
            raise SeedInterrupted(result) from exc
        _analyze(parallel=workers > 1)
    finally:
        writer.cleanup()
    result.seconds = time.perf_counter() - started
    return result


def _work(writer: BatchWriter, batches: _Batches, committed: Callable) -> None:
    while (span := batches.next()) is not None:
        committed(*span, writer.write(*span))


def _work_in_parallel(config, verify, jobs, batches: _Batches, committed: Callable, workers: int) -> None:
    """Write batches on `workers` connections at once; PostgreSQL then uses more than one core.

    Each batch is still its own transaction, so whatever stops the run, every
    committed batch is whole and the others left nothing behind.
    """
    errors: list[BaseException] = []
    live_connections: list = []

    def worker() -> None:
        try:
            writer = BatchWriter(config=config, verify=verify, jobs=jobs)
            writer.prepare()
            live_connections.append(connection.connection)
            _work(writer, batches, committed)
        except BaseException as exc:
            errors.append(exc)
            batches.stop.set()
        finally:
            connections.close_all()  # this thread's connection; temp tables go with it

    threads = [threading.Thread(target=worker, name=f"seed-{n}", daemon=True) for n in range(workers)]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(0.2)
    except BaseException:
        # Ctrl-C reaches the main thread only: stop handing out batches and cancel the
        # statements in flight, so their transactions roll back now rather than later.
        batches.stop.set()
        for conn in live_connections:
            with contextlib.suppress(Exception):  # the connection may already be gone
                conn.cancel_safe()
        for thread in threads:
            thread.join()
        raise
    if errors:
        raise errors[0]


def _analyze(*, parallel: bool) -> None:
    """Fresh statistics, so the first queries after a seed get sensible plans."""
    if not parallel:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(t for group in ANALYZE_GROUPS for t in group))
        return

    def analyze(tables: tuple[str, ...]) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE " + ", ".join(tables))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=analyze, args=(group,), daemon=True) for group in ANALYZE_GROUPS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
