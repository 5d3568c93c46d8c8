"""Reads of research items."""

from __future__ import annotations

from django.db.models import QuerySet

from sessions_app.errors import Id
from sessions_app.models import TechResearch
from sessions_app.selectors._common import visible_session_id


def research_list(*, session_id: Id, owner_id: Id | None = None) -> QuerySet[TechResearch]:
    """A session's research items, oldest first (one query to check the session, one to list)."""
    session_pk = visible_session_id(session_id, owner_id)
    return TechResearch.objects.filter(session_id=session_pk).order_by("created_at", "id")
