"""Reads only the Django admin makes: page counts, filter choices (error groups: error_triage.py;
row estimates: techspec_project.admin_tables).

Each runs a fixed number of queries whatever the number of rows asked about, so
admin pages stay query-count bounded at a million sessions.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, QuerySet

from sessions_app.models import AgentErrorLog, TechConversation, TechResearch, TechSpecSession


@dataclass(frozen=True)
class SessionPageCounts:
    """The child-row counts the sessions changelist shows for one session."""

    research: int = 0
    conversations: int = 0
    unrecovered_errors: int = 0


def _grouped_counts(queryset: QuerySet, session_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    rows = queryset.filter(session_id__in=session_ids).order_by().values_list("session_id").annotate(n=Count("*"))
    return dict(rows)


def session_page_counts(session_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, SessionPageCounts]:
    """Research, conversation and unrecovered-error counts of a page of sessions (three grouped queries)."""
    ids = list(session_ids)
    if not ids:
        return {}
    research = _grouped_counts(TechResearch.objects.all(), ids)
    conversations = _grouped_counts(TechConversation.objects.all(), ids)
    errors = _grouped_counts(AgentErrorLog.objects.filter(recovered=False), ids)
    return {
        pk: SessionPageCounts(
            research=research.get(pk, 0),
            conversations=conversations.get(pk, 0),
            unrecovered_errors=errors.get(pk, 0),
        )
        for pk in ids
    }


def sessions_by_open_errors(sessions: QuerySet[TechSpecSession], *, present: bool) -> QuerySet[TechSpecSession]:
    """Narrow `sessions` to those with (present=True) or without an error that has not recovered.

    EXISTS rather than a join: one probe of (session, created_at) per session, no duplicate rows.
    """
    open_errors = Exists(AgentErrorLog.objects.filter(session_id=OuterRef("pk"), recovered=False))
    return sessions.filter(open_errors if present else ~open_errors)


def recent_distinct_values(model, field: str, *, window: int = 10_000) -> list[str]:
    """Distinct values of `field` among the newest `window` rows (one query through the created_at index).

    A filter sidebar must not run SELECT DISTINCT over a table of millions of rows;
    values seen only in older rows can still be filtered on through the URL.
    """
    # Read the window's values and de-duplicate here: `pk IN (newest ...)` made PostgreSQL
    # hash-join the whole table (a Seq Scan that grows with it), measured by bench_queries.
    newest = model.objects.order_by("-created_at").values_list(field, flat=True)[:window]
    return sorted(set(newest))
