"""Session counts by status and by design-job status, fast at any scale and exact.

For everyone's sessions (staff, dashboards, bench_queries) the counts come from
session_status_counts, a summary PostgreSQL keeps exact with triggers (see
SessionStatusCount); a user's own sessions are few and are counted directly.
`scan=True` recounts from tech_spec_sessions, to check the summary.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Avg, Count, Sum

from design_bridge.models import DesignJobStatus
from sessions_app.choices import SessionStatus
from sessions_app.errors import Id
from sessions_app.models import SessionStatusCount
from sessions_app.selectors._common import visible_sessions


@dataclass(frozen=True)
class StatusStats:
    """Sessions in one status and their average progress."""

    count: int
    average_progress: float | None


def _with_all_keys(rows: Iterable[tuple[str, int]], keys: Iterable[str]) -> dict[str, int]:
    counts = dict.fromkeys(keys, 0)
    counts.update({key: n for key, n in rows})
    return counts


def session_counts_by_status(*, owner_id: Id | None = None, scan: bool = False) -> dict[str, int]:
    """Sessions per status, every status present (zero included); one query."""
    rows: Iterable[tuple[str, int]]
    if owner_id is None and not scan:
        rows = SessionStatusCount.objects.values_list("status").annotate(total=Sum("n"))
    else:
        rows = visible_sessions(owner_id).order_by().values_list("status").annotate(n=Count("*"))
    return _with_all_keys(rows, SessionStatus.values)


def session_stats_by_status(*, owner_id: Id | None = None, scan: bool = False) -> dict[str, StatusStats]:
    """Count and average progress per status, every status present; one query."""
    stats = {status: StatusStats(0, None) for status in SessionStatus.values}
    # (status, count, progress sum) from the summary; (status, count, average progress) from a scan.
    rows: Iterable[tuple[str, int, Any]]
    if owner_id is None and not scan:
        rows = SessionStatusCount.objects.values_list("status").annotate(total=Sum("n"), progress=Sum("progress_sum"))
        stats.update({s: StatusStats(n, p / n if n else None) for s, n, p in rows})
    else:
        rows = (
            visible_sessions(owner_id).order_by().values_list("status")
            .annotate(n=Count("*"), avg=Avg("progress_percentage"))
        )
        stats.update({s: StatusStats(n, float(avg) if avg is not None else None) for s, n, avg in rows})
    return stats


# Sessions start only from completed design jobs, so nearly every session's job is
# `completed`. Count the few others through the jobs' status index (a range on each
# side of 'completed' plus NULL, so statuses we do not know of are still counted)
# and take `completed` as the total from the summary minus those: one statement,
# one snapshot, exact.
_BY_DESIGN_JOB_STATUS = """
WITH others AS (
    SELECT j.status, count(*) AS n
    FROM "shared"."design_jobs" j
    JOIN tech_spec_sessions s ON s.design_job_id = j.id
    WHERE j.status < %(dominant)s OR j.status > %(dominant)s OR j.status IS NULL
    GROUP BY j.status
)
SELECT status, n FROM others
UNION ALL
SELECT %(dominant)s,
       (SELECT coalesce(sum(n), 0) FROM session_status_counts) - (SELECT coalesce(sum(n), 0) FROM others)
"""


def session_counts_by_design_job_status(*, owner_id: Id | None = None, scan: bool = False) -> dict[str, int]:
    """Sessions per status of their design job (across schemas), every known status present; one query."""
    if owner_id is None and not scan:
        with connection.cursor() as cursor:
            cursor.execute(_BY_DESIGN_JOB_STATUS, {"dominant": DesignJobStatus.COMPLETED.value})
            rows = cursor.fetchall()
    else:
        rows = visible_sessions(owner_id).order_by().values_list("design_job__status").annotate(n=Count("*"))
    return _with_all_keys(rows, DesignJobStatus.values)
