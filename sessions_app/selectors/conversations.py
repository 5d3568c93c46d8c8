"""A session's conversation, oldest first by (timestamp, id): the API pages it with DRF's cursor pages."""

from __future__ import annotations

from django.db.models import QuerySet

from sessions_app.models import TechConversation, TechSpecSession


def conversation_list(*, session: TechSpecSession) -> QuerySet[TechConversation]:
    """A session's messages, oldest first, for the API's cursor pages; `session` is already resolved (session_get)."""
    return TechConversation.objects.filter(session_id=session.pk).order_by("timestamp", "id")
