"""Reads of research items."""

from __future__ import annotations

from django.db.models import QuerySet

from sessions_app.models import TechResearch, TechSpecSession


def research_list(*, session: TechSpecSession) -> QuerySet[TechResearch]:
    """A session's research items, oldest first; `session` is already resolved for the caller (session_get)."""
    return TechResearch.objects.filter(session_id=session.pk).order_by("created_at", "id")
