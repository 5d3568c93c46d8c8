"""Session services: every write of the tech-spec tables, one transaction each.

Import from here (`from sessions_app.services import session_start`); the
modules behind are an implementation detail. docs/DOMAIN.md lists them all.
"""

from sessions_app.services.conversations import conversation_append
from sessions_app.services.error_logs import error_group_set_recovered, error_record, errors_set_recovered
from sessions_app.services.research import DecisionInput, decisions_record, research_record
from sessions_app.services.sessions import (
    STAGE_TRANSITIONS,
    STATUS_TRANSITIONS,
    SessionStartResult,
    session_start,
    session_start_check,
    session_transition,
    session_transition_check,
)
from sessions_app.services.trd import trd_store

__all__ = [
    "STAGE_TRANSITIONS",
    "STATUS_TRANSITIONS",
    "DecisionInput",
    "SessionStartResult",
    "conversation_append",
    "decisions_record",
    "error_group_set_recovered",
    "error_record",
    "errors_set_recovered",
    "research_record",
    "session_start",
    "session_start_check",
    "session_transition",
    "session_transition_check",
    "trd_store",
]
