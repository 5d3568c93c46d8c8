"""Selectors: every read the API, admin and commands share. They never write.

The caller's scope comes in one of two ways. A selector that finds sessions takes
`owner_id`: None for staff (everything), otherwise a user id, and then another
user's session behaves exactly like a missing one (SessionNotFound or an empty
list). A selector of one session's rows takes the `session` the caller already
resolved that way (session_get), and does not look for it again. Narrowing a
list by query-string filters is the API's FilterSets' job (sessions_app/api/filters.py).
Import from here; docs/DOMAIN.md lists them all.
"""

from sessions_app.selectors.conversations import conversation_list
from sessions_app.selectors.counts import (
    StatusStats,
    session_counts_by_design_job_status,
    session_counts_by_status,
    session_stats_by_status,
)
from sessions_app.selectors.design_jobs import design_job_detail, design_job_list
from sessions_app.selectors.error_logs import error_log_get, error_log_list, session_error_list
from sessions_app.selectors.research import research_list
from sessions_app.selectors.sessions import (
    LatestError,
    SessionStatusSummary,
    session_get,
    session_list,
    session_status_summary,
)
from sessions_app.selectors.trd import TRDComparison, trd_compare, trd_get, trd_versions

__all__ = [
    "LatestError",
    "SessionStatusSummary",
    "StatusStats",
    "TRDComparison",
    "conversation_list",
    "design_job_detail",
    "design_job_list",
    "error_log_get",
    "error_log_list",
    "research_list",
    "session_counts_by_design_job_status",
    "session_counts_by_status",
    "session_error_list",
    "session_get",
    "session_list",
    "session_stats_by_status",
    "session_status_summary",
    "trd_compare",
    "trd_get",
    "trd_versions",
]
