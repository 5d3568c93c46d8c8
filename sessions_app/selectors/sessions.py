"""Reads of sessions: one, a summary, lists, and counts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime

from sessions_app.errors import Id, SessionNotFound, as_uuid
from sessions_app.models import SessionStatusRow, TechSpecSession
from sessions_app.selectors._common import only_row, visible_sessions, visible_to


@dataclass(frozen=True)
class LatestError:
    """The newest error of a session that has not recovered."""

    id: uuid.UUID
    node: str
    error_type: str
    message: str
    retry_count: int
    created_at: datetime


@dataclass(frozen=True)
class SessionStatusSummary:
    """Where a session stands, with the counts a progress view shows (one query)."""

    id: uuid.UUID
    status: str
    current_stage: str
    progress_percentage: int
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    research_total: int
    research_awaiting_decision: int
    latest_trd_version: int | None
    latest_trd_quality_score: Decimal | None
    latest_unrecovered_error: LatestError | None


def session_get(*, session_id: Id, owner_id: Id | None = None) -> TechSpecSession:
    """One session with all its columns; another owner's session is SessionNotFound."""
    pk = as_uuid(session_id, SessionNotFound)
    session = only_row(visible_sessions(owner_id).filter(pk=pk))
    if session is None:
        raise SessionNotFound(session_id)
    return session


def _latest_error(data: dict | None) -> LatestError | None:
    if data is None:
        return None
    return LatestError(
        id=uuid.UUID(data["id"]), node=data["node"], error_type=data["error_type"], message=data["message"],
        retry_count=data["retry_count"], created_at=parse_datetime(data["created_at"]),
    )


_SUMMARY_FIELDS = tuple(f.name for f in SessionStatusRow._meta.concrete_fields if f.name != "user_id")


def session_status_summary(*, session_id: Id, owner_id: Id | None = None) -> SessionStatusSummary:
    """Status, stage, progress, research counts, latest TRD and latest open error, in one query."""
    pk = as_uuid(session_id, SessionNotFound)
    row = only_row(visible_to(SessionStatusRow.objects.filter(pk=pk), owner_id).values(*_SUMMARY_FIELDS))
    if row is None:
        raise SessionNotFound(session_id)
    row["latest_unrecovered_error"] = _latest_error(row["latest_unrecovered_error"])
    return SessionStatusSummary(**row)


def session_list(*, owner_id: Id | None = None) -> QuerySet[TechSpecSession]:
    """The caller's sessions, newest first; narrowing them is the API's SessionFilter's job.

    session_data is deferred: a list never loads the snapshots (read them with session_get).
    """
    return visible_sessions(owner_id).defer("session_data").order_by("-created_at", "-id")

