"""Reads of the agent's error log."""

from __future__ import annotations

from django.db.models import QuerySet

from sessions_app.errors import ErrorLogNotFound, Id, as_uuid
from sessions_app.models import AgentErrorLog, TechSpecSession
from sessions_app.selectors._common import only_row, visible_sessions


def error_log_list(*, owner_id: Id | None = None) -> QuerySet[AgentErrorLog]:
    """Errors newest first; an owner sees only the errors of their sessions (narrowing: the API's ErrorLogFilter)."""
    errors = AgentErrorLog.objects.all()
    if owner_id is not None:
        errors = errors.filter(session__in=visible_sessions(owner_id).values("pk"))
    return errors.order_by("-created_at", "-id")


def session_error_list(*, session: TechSpecSession) -> QuerySet[AgentErrorLog]:
    """A session's errors, newest first; `session` is already resolved for the caller (session_get)."""
    return AgentErrorLog.objects.filter(session_id=session.pk).order_by("-created_at", "-id")


def error_log_get(*, error_id: Id, owner_id: Id | None = None) -> AgentErrorLog:
    """One error; an error of another owner's session is ErrorLogNotFound, like a missing one."""
    pk = as_uuid(error_id, ErrorLogNotFound)
    error = only_row(error_log_list(owner_id=owner_id).filter(pk=pk))
    if error is None:
        raise ErrorLogNotFound(error_id)
    return error
