"""What a seed run shows: while it works, per-table rows, rows/s and ETA, redrawn on a terminal;
at the end, the summary table."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from tooling.seeding.runner import SeedResult


def _eta(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    seconds = int(seconds + 0.5)
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


class Progress:
    """Thread-safe progress display; silent unless `enabled`.

    On a terminal the block of per-table lines is redrawn in place after each
    committed batch; elsewhere (a pipe, a log) one line per tenth of the run is
    printed instead, so logs stay short.
    """

    def __init__(self, stream: TextIO, *, tables: tuple[str, ...], total_sessions: int, enabled: bool):
        self.stream = stream
        self.tables = tables
        self.total = max(total_sessions, 1)
        self.enabled = enabled
        self.tty = enabled and stream.isatty()
        self.rows = dict.fromkeys(tables, 0)
        self.sessions = 0
        self.started = time.perf_counter()
        self._lines_drawn = 0
        self._next_tenth = 1
        self._lock = threading.Lock()

    def committed(self, written: dict[str, int], sessions: int) -> None:
        with self._lock:
            for table, rows in written.items():
                self.rows[table] = self.rows.get(table, 0) + rows
            self.sessions += sessions
            if not self.enabled:
                return
            if self.tty:
                self._draw()
            elif self.sessions * 10 >= self._next_tenth * self.total:
                self._next_tenth = self.sessions * 10 // self.total + 1
                self._line()

    def _rates(self) -> tuple[float, float | None]:
        elapsed = max(time.perf_counter() - self.started, 1e-9)
        done = self.sessions / self.total
        return elapsed, (elapsed * (1 - done) / done if done else None)

    def _draw(self) -> None:
        elapsed, eta = self._rates()
        lines = [f"seeding: {self.sessions:,}/{self.total:,} sessions, {_eta(elapsed)} elapsed, ETA {_eta(eta)}"]
        for table in self.tables:
            rows = self.rows[table]
            lines.append(f"  {table:<26} {rows:>12,} rows {rows / elapsed:>11,.0f} rows/s  ETA {_eta(eta)}")
        # Move the cursor back to the top of the previous block and overwrite it.
        prefix = f"\x1b[{self._lines_drawn}F" if self._lines_drawn else ""
        self.stream.write(prefix + "\n".join(line + "\x1b[K" for line in lines) + "\n")
        self.stream.flush()
        self._lines_drawn = len(lines)

    def _line(self) -> None:
        elapsed, eta = self._rates()
        total_rows = sum(self.rows.values())
        self.stream.write(
            f"seeding: {self.sessions:,}/{self.total:,} sessions, {total_rows:,} rows, "
            f"{total_rows / elapsed:,.0f} rows/s, ETA {_eta(eta)}\n"
        )
        self.stream.flush()


def summary(result: SeedResult) -> str:
    """seed_data's closing table: rows per table, then the seed, mode and speed."""
    lines = []
    if result.cleared is not None:
        lines.append("Cleared: " + ", ".join(f"{n:,} {t}" for t, n in result.cleared.items()) + ".")
    width = max([len(t) for t in result.tables] + [5])
    lines += [f"{'table':<{width}}  {'rows':>12}", f"{'-' * width}  {'-' * 12}"]
    lines += [f"{t:<{width}}  {n:>12,}" for t, n in result.tables.items()]
    lines += [f"{'-' * width}  {'-' * 12}", f"{'total':<{width}}  {result.total_rows:>12,}"]
    seconds = max(result.seconds, 1e-9)
    lines.append(
        f"Seed {result.seed}, {result.mode} mode, {result.workers} worker(s): {result.sessions:,} sessions, "
        f"{result.total_rows:,} rows in {result.seconds:.1f} s ({result.total_rows / seconds:,.0f} rows/s)."
    )
    return "\n".join(lines)
