"""Selectors: every read the API, admin and commands share. They never write.

Each takes `owner_id`: None for staff (everything), otherwise a user id, and
then another user's session behaves exactly like a missing one (SessionNotFound
or an empty list). Import from here; docs/DOMAIN.md lists them all.
"""

from sessions_app.selectors.conversations import (
    ConversationPage,
    conversation_list,
    conversation_page,
    decode_cursor,
    encode_cursor,
)
from sessions_app.selectors.counts import (
    StatusStats,
    session_counts_by_design_job_status,
    session_counts_by_status,
    session_stats_by_status,
)
from sessions_app.selectors.design_jobs import design_job_detail, design_job_list
from sessions_app.selectors.error_logs import error_log_get, error_log_list
from sessions_app.selectors.research import research_list
from sessions_app.selectors.sessions import (
    LatestError,
    SessionStatusSummary,
    session_get,
    session_list,
    session_status_summary,
    session_with_design_job,
    sessions_with_design_job,
)
from sessions_app.selectors.trd import TRDComparison, trd_compare, trd_get, trd_versions

__all__ = [
    "ConversationPage",
    "LatestError",
    "SessionStatusSummary",
    "StatusStats",
    "TRDComparison",
    "conversation_list",
    "conversation_page",
    "decode_cursor",
    "design_job_detail",
    "design_job_list",
    "encode_cursor",
    "error_log_get",
    "error_log_list",
    "research_list",
    "session_counts_by_design_job_status",
    "session_counts_by_status",
    "session_get",
    "session_list",
    "session_stats_by_status",
    "session_status_summary",
    "session_with_design_job",
    "sessions_with_design_job",
    "trd_compare",
    "trd_get",
    "trd_versions",
]
