"""Reads of the agent's error log."""

from __future__ import annotations

from django.db.models import QuerySet

from sessions_app.errors import ErrorLogNotFound, Id, as_uuid
from sessions_app.models import AgentErrorLog
from sessions_app.selectors._common import only_row, visible_sessions


def error_log_list(*, owner_id: Id | None = None, session_id: Id | None = None, node: str | None = None,
                   error_type: str | None = None,
                   recovered: bool | None = None) -> QuerySet[AgentErrorLog]:
    """Errors newest first, filtered; an owner sees only the errors of their sessions.

    A session_id the caller cannot see filters to nothing (a list, not a lookup).
    """
    errors = AgentErrorLog.objects.all()
    if owner_id is not None:
        errors = errors.filter(session__in=visible_sessions(owner_id).values("pk"))
    filters = {"session_id": session_id, "node": node, "error_type": error_type, "recovered": recovered}
    errors = errors.filter(**{name: value for name, value in filters.items() if value is not None})
    return errors.order_by("-created_at", "-id")


def error_log_get(*, error_id: Id, owner_id: Id | None = None) -> AgentErrorLog:
    """One error; an error of another owner's session is ErrorLogNotFound, like a missing one."""
    pk = as_uuid(error_id, ErrorLogNotFound)
    error = only_row(error_log_list(owner_id=owner_id).filter(pk=pk))
    if error is None:
        raise ErrorLogNotFound(error_id)
    return error
