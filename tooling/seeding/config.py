"""What a seed run produces: the scale, the per-session averages and the status mix."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

# Every timestamp is an offset from this instant, so a seed means the same rows on any day.
BASE_TIME = datetime(2025, 1, 1, tzinfo=UTC)
BASE_MS = int(BASE_TIME.timestamp() * 1000)
# Sessions are spread evenly over one year after BASE_TIME, whatever their number.
SPAN_MS = 365 * 24 * 3600 * 1000

# Status mix before adjustment. Completed sessions must own a TRD, so their share
# is capped by the TRD average (see SeedConfig.status_weights).
BASE_STATUS_WEIGHTS = {
    "completed": 0.40,
    "in_progress": 0.15,
    "waiting_user": 0.15,
    "pending": 0.10,
    "failed": 0.12,
    "cancelled": 0.08,
}
STATUS_ORDER = tuple(BASE_STATUS_WEIGHTS)

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

    def status_thresholds(self) -> list[float]:
        """Cumulative upper bounds of each status in STATUS_ORDER, for a uniform draw in [0, 1)."""
        weights = dict(BASE_STATUS_WEIGHTS)
        # Every completed session has at least one TRD, so completed <= the TRD average.
        completed = min(weights["completed"], self.trds)
        rest = 1.0 - weights["completed"]
        scale = (1.0 - completed) / rest
        weights = {k: (completed if k == "completed" else v * scale) for k, v in weights.items()}
        bounds, total = [], 0.0
        for status in STATUS_ORDER:
            total += weights[status]
            bounds.append(total)
        bounds[-1] = 1.0
        return bounds

    @property
    def completed_share(self) -> float:
        return min(BASE_STATUS_WEIGHTS["completed"], self.trds)

    @property
    def extra_trds_per_completed(self) -> float:
        """Average TRD versions beyond the first in a completed session, so the overall mean is `trds`."""
        share = self.completed_share
        return self.trds / share - 1.0 if share else 0.0

    @property
    def step_ms(self) -> int:
        """Time between consecutive sessions' creation."""
        return max(1000, SPAN_MS // max(self.sessions, 1))
