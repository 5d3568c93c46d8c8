"""Nearest-rank percentiles, and when too few samples make one the same as the maximum."""

from __future__ import annotations

import math


def _rank(q: float, n: int) -> int:
    """The 0-based index of the nearest-rank q-percentile among n ordered samples."""
    return max(0, min(n - 1, math.ceil(q * n) - 1))


def percentile(samples: list[float], q: float) -> float:
    """The nearest-rank percentile (q from 0 to 1) of `samples`; 0.0 when there are none."""
    if not samples:
        return 0.0
    return sorted(samples)[_rank(q, len(samples))]


def is_the_maximum(q: float, n: int) -> bool:
    """Whether the q-percentile of n samples is simply the largest one (p95 below 20, p99 below 100)."""
    return n > 0 and _rank(q, n) == n - 1


def samples_needed(q: float) -> int:
    """The fewest samples whose q-percentile is not the maximum."""
    n = 1
    while is_the_maximum(q, n):
        n += 1
    return n


def percentiles_at_max(reps: int) -> dict[str, int]:
    """The reported percentiles that `reps` samples cannot tell from the maximum, with the reps each needs."""
    return {name: samples_needed(q) for name, q in (("p95", 0.95), ("p99", 0.99)) if is_the_maximum(q, reps)}
