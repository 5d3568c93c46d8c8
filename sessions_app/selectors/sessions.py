"""Reads of sessions: one, a summary, lists, and counts."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from sessions_app.errors import Id, InvalidValue, SessionNotFound, as_uuid
from sessions_app.models import SessionStatusRow, TechSpecSession
from sessions_app.selectors._common import only_row, visible_sessions, visible_to

MAX_PAGE = 200


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


def _latest_error(data: dict[str, Any] | None) -> LatestError | None:
    if data is None:
        return None
    return LatestError(
        id=uuid.UUID(data["id"]), node=data["node"], error_type=data["error_type"], message=data["message"],
        retry_count=data["retry_count"], created_at=datetime.fromisoformat(data["created_at"]),
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


def _moment(value: datetime | date | str, field: str) -> datetime:
    # A date means its midnight in the current time zone; a naive datetime, that zone's wall time.
    if isinstance(value, str):
        value = parse_datetime(value) or value
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time.min)
    if not isinstance(value, datetime):
        raise InvalidValue(field, f"{field} must be a date or a datetime.")
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def session_list(
    *,
    owner_id: Id | None = None,
    status: str | None = None,
    project_id: Id | None = None,
    design_job_id: Id | None = None,
    user_id: Id | None = None,
    created_from: datetime | date | str | None = None,
    created_to: datetime | date | str | None = None,
) -> QuerySet[TechSpecSession]:
    """Sessions newest first, filtered; created_from <= created_at < created_to.

    session_data is deferred: a list never loads the snapshots (read them with session_get).
    """
    sessions = visible_sessions(owner_id).defer("session_data")
    filters = {
        "status": status, "project_id": project_id, "design_job_id": design_job_id, "user_id": user_id,
    }
    sessions = sessions.filter(**{name: value for name, value in filters.items() if value is not None})
    if created_from is not None:
        sessions = sessions.filter(created_at__gte=_moment(created_from, "created_from"))
    if created_to is not None:
        sessions = sessions.filter(created_at__lt=_moment(created_to, "created_to"))
    return sessions.order_by("-created_at", "-id")


def session_with_design_job(*, session_id: Id, owner_id: Id | None = None) -> TechSpecSession:
    """One session and its design job (shared.design_jobs) in one joined query."""
    pk = as_uuid(session_id, SessionNotFound)
    session = only_row(visible_sessions(owner_id).select_related("design_job").filter(pk=pk))
    if session is None:
        raise SessionNotFound(session_id)
    return session


def sessions_with_design_job(*, owner_id: Id | None = None, status: str | None = None,
                             limit: int = 50) -> list[TechSpecSession]:
    """The newest `limit` sessions (1 to 200) with their design jobs, in one joined query."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
        raise InvalidValue("limit", f"limit must be an integer from 1 to {MAX_PAGE}.")
    sessions = visible_sessions(owner_id).select_related("design_job").defer("session_data")
    if status is not None:
        sessions = sessions.filter(status=status)
    return list(sessions.order_by("-created_at", "-id")[:limit])


def _counts(rows: Iterable[tuple[str, int]], keys: Iterable[str]) -> dict[str, int]:
    counts = dict.fromkeys(keys, 0)
    counts.update({key: n for key, n in rows})
    return counts
