"""The staff overview's figures: a fixed handful of queries on summaries and indexes, at any scale.

Counts come from tables PostgreSQL keeps exact with triggers (session_status_counts,
console_daily_counts); the stuck list reads the first rows of a partial index.
Nothing here scans tech_spec_sessions, agent_error_logs or generated_trd_documents.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from sessions_app.choices import SessionStage, SessionStatus
from sessions_app.models import ConsoleDailyCount, TechSpecSession
from sessions_app.selectors.counts import session_counts_by_status

RUNNING_STATUSES = (SessionStatus.IN_PROGRESS, SessionStatus.WAITING_USER)
# The stuck count stops here: "1,000+" says enough, and counting further reads more of the index.
STUCK_COUNT_CAP = 1000
GROUP_SEPARATOR = chr(31)  # between node and error type in console_daily_counts.key
# The day on which console_daily_counts also counts every fact: all-time figures read only its rows.
ALL_TIME = date(1970, 1, 1)


@dataclass(frozen=True)
class Overview:
    """Everything the overview page draws, for one window of days (UTC dates, both ends included)."""

    start: date
    end: date
    today: date
    by_status: dict[str, int]
    by_stage: dict[str, int]
    started: list[int]
    completed: list[int]
    funnel: list[tuple[str, int]]
    completions: int
    median_seconds: float | None
    p90_seconds: float | None
    trd_quality: list[tuple[str, int]]
    errors_by_node: dict[str, list[int]]
    stuck: list[TechSpecSession] = field(default_factory=list)
    stuck_count: int = 0
    stuck_after: timedelta = timedelta(hours=1)

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    @property
    def shifted(self) -> bool:
        """True when the window ends before today because nothing happened in the requested days."""
        return self.end < self.today


def _percentile(buckets: dict[int, int], q: float) -> float | None:
    """The q-quantile of durations counted in quarter-octave buckets, interpolated geometrically inside one."""
    total = sum(buckets.values())
    if total <= 0:
        return None
    target, seen = q * total, 0
    for bucket in sorted(buckets):
        n = buckets[bucket]
        if n > 0 and seen + n >= target:
            fraction = (target - seen) / n
            return math.pow(2, (bucket + fraction) / 4)
        seen += n
    return math.pow(2, (max(buckets) + 1) / 4)


# One max() per metric, so each is a backward scan of the (metric, day, ...) key (an IN list is not).
_LATEST_DAY = """
SELECT greatest(
    (SELECT max(day) FROM console_daily_counts
     WHERE metric = 'sessions' AND day > %(after)s AND day <= %(today)s AND n > 0),
    (SELECT max(day) FROM console_daily_counts
     WHERE metric = 'errors' AND day > %(after)s AND day <= %(today)s AND n > 0)
)
"""


def _window(days: int, today: date) -> tuple[date, date]:
    """The last `days` days; when nothing was recorded in them, the `days` up to the latest day with data."""
    end = today
    start = end - timedelta(days=days - 1)
    # n > 0: a day whose row went to zero (its one session moved or deleted) holds nothing to show.
    with connection.cursor() as cursor:
        cursor.execute(_LATEST_DAY, {"after": ALL_TIME, "today": today})
        latest = cursor.fetchone()[0]
    if latest is not None and latest < start:
        end = latest
        start = end - timedelta(days=days - 1)
    return start, end


def _stuck(cutoff: datetime, limit: int) -> tuple[list[TechSpecSession], int]:
    running = TechSpecSession.objects.filter(status__in=RUNNING_STATUSES, updated_at__lt=cutoff)
    oldest = list(running.order_by("updated_at").only(
        "id", "status", "current_stage", "progress_percentage", "updated_at", "created_at", "user_id",
    )[:limit])
    # A sliced count is COUNT(*) over a LIMITed subquery: it stops reading the index at the cap.
    return oldest, running.order_by().values("pk")[: STUCK_COUNT_CAP + 1].count()


def session_overview(*, days: int = 30, stuck_after: timedelta, stuck_limit: int = 20,
                     now: datetime | None = None) -> Overview:
    """The overview for the last `days` days: six queries whatever the number of sessions."""
    now = now or timezone.now()
    today = now.astimezone(UTC).date()  # the counters' days are UTC dates
    start, end = _window(days, today)
    index = {start + timedelta(days=i): i for i in range(days)}

    by_status = session_counts_by_status()
    by_stage = dict.fromkeys(SessionStage.values, 0)
    stage_rows = (
        ConsoleDailyCount.objects.filter(metric="sessions", day=ALL_TIME).values_list("key").annotate(total=Sum("n"))
    )
    for key, total in stage_rows:
        stage = key.partition("/")[2]
        by_stage[stage] = by_stage.get(stage, 0) + int(total)

    started, completed = [0] * days, [0] * days
    window_stages = dict.fromkeys(SessionStage.values, 0)
    durations: dict[int, int] = {}
    quality = {str(decile): 0 for decile in range(0, 100, 10)} | {"none": 0}
    errors_by_node: dict[str, list[int]] = {}
    rows = (
        ConsoleDailyCount.objects.filter(day__gte=start, day__lte=end)
        .values_list("day", "metric", "key").annotate(total=Sum("n")).order_by()
    )
    for day, metric, key, total in rows:
        total, i = int(total), index[day]
        if metric == "sessions":
            started[i] += total
            stage = key.partition("/")[2]
            window_stages[stage] = window_stages.get(stage, 0) + total
        elif metric == "completed":
            completed[i] += total
            durations[int(key)] = durations.get(int(key), 0) + total
        elif metric == "trds":
            quality[key] = quality.get(key, 0) + total
        elif metric == "errors":
            node = key.partition(GROUP_SEPARATOR)[0]
            errors_by_node.setdefault(node, [0] * days)[i] += total

    # The funnel: sessions started in the window that reached each stage (or a later one).
    funnel, reached = [], 0
    for stage in reversed(SessionStage.values):
        reached += window_stages.get(stage, 0)
        funnel.append((stage, reached))
    funnel.reverse()

    # Deciles from the lowest one with a score (scores cluster high; ten empty rows say nothing).
    scored = [decile for decile in range(0, 100, 10) if quality[str(decile)]]
    lowest = min(scored, default=90)
    labels = [(f"{decile}–{decile + 10 if decile < 90 else 100}", quality[str(decile)])
              for decile in range(lowest, 100, 10)]
    if quality["none"]:
        labels.append(("not scored", quality["none"]))

    stuck, stuck_count = _stuck(now - stuck_after, stuck_limit)
    return Overview(
        start=start, end=end, today=today, by_status=by_status, by_stage=by_stage,
        started=started, completed=completed, funnel=funnel,
        completions=sum(durations.values()),
        median_seconds=_percentile(durations, 0.5), p90_seconds=_percentile(durations, 0.9),
        trd_quality=labels, errors_by_node=dict(sorted(errors_by_node.items())),
        stuck=stuck, stuck_count=stuck_count, stuck_after=stuck_after,
    )
