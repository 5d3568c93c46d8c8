"""Error triage, like an issue tracker: one row per (node, error type) with counts, trends and first/last seen.

Four queries whatever the size of the log: totals and 14-day trends from
console_daily_counts (kept by triggers), the last 24 hours by hour from the
created_at index, and first/last seen as two probes per group of the
(node, error_type, created_at) index.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncHour
from django.utils import timezone

from sessions_app.models import AgentErrorLog, ConsoleDailyCount
from sessions_app.selectors.overview import ALL_TIME, GROUP_SEPARATOR

TREND_DAYS = 14
SORTS = ("open", "count", "last_seen", "trend")


@dataclass(frozen=True)
class TriageGroup:
    """All errors of one (node, error type)."""

    node: str
    error_type: str
    total: int  # all time
    in_window: int
    open: int  # all time, not recovered
    first_seen: datetime | None
    last_seen: datetime | None
    days: list[int]  # the last TREND_DAYS days, oldest first
    hours: list[int]  # the last 24 hours, oldest first

    @property
    def trend(self) -> int:
        """Errors in the last 7 days minus the 7 before: above 0 is getting worse."""
        return sum(self.days[7:]) - sum(self.days[:7])


@dataclass(frozen=True)
class Triage:
    groups: list[TriageGroup]
    window_days: int | None  # None: all time
    fell_back: bool  # the window had no errors, so all time is shown
    older: int  # errors before the window (0 for all time)
    day_labels: list[str]
    hour_labels: list[str]


def _sort_key(sort: str) -> Callable[[TriageGroup], tuple[float, ...]]:
    return {
        "count": lambda g: (-g.in_window, -g.open),
        "last_seen": lambda g: (-(g.last_seen.timestamp() if g.last_seen else 0), -g.open),
        "trend": lambda g: (-g.trend, -sum(g.hours), -g.open),
        "open": lambda g: (-g.open, -g.in_window),
    }[sort]


def _seen(keys: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[datetime, datetime]]:
    if not keys:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT g.node, g.error_type, seen.first, seen.last
            FROM unnest(%s::text[], %s::text[]) AS g(node, error_type),
            LATERAL (SELECT min(e.created_at) AS first, max(e.created_at) AS last FROM agent_error_logs e
                     WHERE e.node = g.node AND e.error_type = g.error_type) AS seen
            """,
            [[node for node, _ in keys], [error_type for _, error_type in keys]],
        )
        return {(node, error_type): (first, last) for node, error_type, first, last in cursor.fetchall()}


def error_triage(*, window_days: int | None = 30, sort: str = "open", node: str | None = None,
                 error_type: str | None = None, now: datetime | None = None) -> Triage:
    """Groups of errors for a window of days (None: all time); a window without errors falls back to all time."""
    now = now or timezone.now()
    today: date = now.astimezone(UTC).date()
    since = today - timedelta(days=window_days - 1) if window_days else None
    trend_start = today - timedelta(days=TREND_DAYS - 1)
    counts = ConsoleDailyCount.objects.filter(metric__in=("errors", "open_errors"))
    if node is not None and error_type is not None:
        counts = counts.filter(key=f"{node}{GROUP_SEPARATOR}{error_type}")
    # All-time figures from the ALL_TIME day's rows; the window's from its days (an index range each).
    window_rows = Q(day__gte=since) if since else Q(day=ALL_TIME)
    totals = (
        counts.filter(Q(day=ALL_TIME) | window_rows).values_list("key").order_by()
        .annotate(
            total=Sum("n", filter=Q(metric="errors", day=ALL_TIME)),
            in_window=Sum("n", filter=Q(metric="errors") & window_rows),
            open=Sum("n", filter=Q(metric="open_errors", day=ALL_TIME)),
        )
    )
    by_key = {key: (int(t or 0), int(w or 0), int(o or 0)) for key, t, w, o in totals if t}
    daily: dict[str, list[int]] = {}
    for key, day, n in (
        counts.filter(metric="errors", day__gte=trend_start, day__lte=today)
        .values_list("key", "day").annotate(total=Sum("n")).order_by()
    ):
        daily.setdefault(key, [0] * TREND_DAYS)[(day - trend_start).days] += int(n)
    hour_start = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=23)
    hourly: dict[str, list[int]] = {}
    recent = AgentErrorLog.objects.filter(created_at__gte=hour_start)
    if node is not None and error_type is not None:
        recent = recent.filter(node=node, error_type=error_type)
    for n_node, n_type, hour, n in (
        recent.annotate(hour=TruncHour("created_at", tzinfo=UTC)).values_list("node", "error_type", "hour")
        .annotate(n=Count("*")).order_by()
    ):
        index = int((hour - hour_start.astimezone(UTC)).total_seconds() // 3600)
        if 0 <= index < 24:
            hourly.setdefault(f"{n_node}{GROUP_SEPARATOR}{n_type}", [0] * 24)[index] += n

    in_window = sum(w for _, w, _ in by_key.values())
    fell_back = since is not None and in_window == 0 and bool(by_key)
    shown = {k: v for k, v in by_key.items() if v[1] or fell_back or since is None}
    seen = _seen([tuple(key.split(GROUP_SEPARATOR, 1)) for key in shown])
    groups = []
    for key, (total, window_total, open_) in shown.items():
        g_node, g_type = key.split(GROUP_SEPARATOR, 1)
        first, last = seen.get((g_node, g_type), (None, None))
        groups.append(TriageGroup(
            node=g_node, error_type=g_type, total=total, in_window=total if fell_back else window_total,
            open=open_, first_seen=first, last_seen=last,
            days=daily.get(key, [0] * TREND_DAYS), hours=hourly.get(key, [0] * 24),
        ))
    groups.sort(key=_sort_key(sort if sort in SORTS else "open"))
    older = 0 if since is None or fell_back else sum(t for t, _, _ in by_key.values()) - in_window
    return Triage(
        groups=groups, window_days=None if fell_back else window_days, fell_back=fell_back, older=older,
        day_labels=[f"{trend_start + timedelta(days=i):%a %b %-d}" for i in range(TREND_DAYS)],
        hour_labels=[f"{(hour_start + timedelta(hours=i)).astimezone(UTC):%b %-d %H:00} UTC" for i in range(24)],
    )


def error_group_open_count(*, node: str, error_type: str, recovered: bool) -> int:
    """How many errors of the group a "mark recovered" (or "reopen") would change.

    From the all-time counters (exact, kept by triggers): one index lookup, where counting
    the rows themselves would visit every error of the group to read its recovered flag.
    """
    totals = ConsoleDailyCount.objects.filter(
        metric__in=("errors", "open_errors"), day=ALL_TIME, key=f"{node}{GROUP_SEPARATOR}{error_type}",
    ).aggregate(
        errors=Sum("n", filter=Q(metric="errors"), default=0),
        open=Sum("n", filter=Q(metric="open_errors"), default=0),
    )
    return int(totals["open"] if recovered else totals["errors"] - totals["open"])
