"""What a seed run produces: the scale, the per-session averages and the status mix."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sessions_app.choices import SessionStatus

# Every timestamp is an offset from this instant, so a seed means the same rows on any day.
BASE_TIME = datetime(2025, 1, 1, tzinfo=UTC)
BASE_MS = int(BASE_TIME.timestamp() * 1000)
# Sessions are spread evenly over one year after BASE_TIME, whatever their number.
SPAN_MS = 365 * 24 * 3600 * 1000

# Status mix before adjustment. Completed sessions must own a TRD, so their share
# is capped by the TRD average (see SeedConfig.status_table). Their order does not matter.
BASE_STATUS_WEIGHTS: dict[SessionStatus, float] = {
    SessionStatus.COMPLETED: 0.40,
    SessionStatus.IN_PROGRESS: 0.15,
    SessionStatus.WAITING_USER: 0.15,
    SessionStatus.PENDING: 0.10,
    SessionStatus.FAILED: 0.12,
    SessionStatus.CANCELLED: 0.08,
}

# Per-session averages may not exceed this: child keys are session_index * 2**16 + n.
MAX_AVERAGE = 1000.0


@dataclass(frozen=True)
class SeedConfig:
    """One run's parameters; everything generated is a function of these."""

    sessions: int = 10
    seed: int = 0
    research: float = 3.0
    conversations: float = 8.0
    trds: float = 0.6
    errors: float = 1.5
    batch_size: int = 5000
    averages: dict[str, float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "averages",
            {"research": self.research, "conversations": self.conversations, "trds": self.trds,
             "errors": self.errors},
        )

    def problems(self) -> list[str]:
        """What is wrong with these parameters, in words a user can act on."""
        out = []
        if self.sessions < 0:
            out.append("--sessions must be 0 or more")
        if not 0 <= self.seed < 2**31:
            out.append("--seed must be between 0 and 2147483647")
        if self.batch_size < 2:
            out.append("--batch-size must be at least 2")
        for name, value in self.averages.items():
            if not 0 <= value <= MAX_AVERAGE:
                out.append(f"--{name} must be between 0 and {MAX_AVERAGE:g}")
        return out

    @property
    def even_batch_size(self) -> int:
        # Sessions 2k and 2k+1 share stub job k; an even size keeps both in one batch,
        # so a job and every session that references it commit together.
        return self.batch_size - self.batch_size % 2

    def status_table(self) -> tuple[tuple[str, float], ...]:
        """Each status with the lower bound of its share of [0, 1), in ascending order of bounds.

        A uniform draw u takes the status of the last row whose bound is <= u (statements.py
        looks it up with width_bucket). Every status carries its own bound, so the order of
        BASE_STATUS_WEIGHTS cannot give one status another's share.
        """
        # Every completed session has at least one TRD, so completed <= the TRD average.
        completed = self.completed_share
        scale = (1.0 - completed) / (1.0 - BASE_STATUS_WEIGHTS[SessionStatus.COMPLETED])
        rows, floor = [], 0.0
        for status, weight in BASE_STATUS_WEIGHTS.items():
            rows.append((str(status.value), floor))
            floor += completed if status == SessionStatus.COMPLETED else weight * scale
        return tuple(rows)

    @property
    def completed_share(self) -> float:
        return min(BASE_STATUS_WEIGHTS[SessionStatus.COMPLETED], self.trds)

    @property
    def extra_trds_per_completed(self) -> float:
        """Average TRD versions beyond the first in a completed session, so the overall mean is `trds`."""
        share = self.completed_share
        return self.trds / share - 1.0 if share else 0.0

    @property
    def step_ms(self) -> int:
        """Time between consecutive sessions' creation."""
        return max(1000, SPAN_MS // max(self.sessions, 1))
