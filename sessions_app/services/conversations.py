"""Appending messages to a session's conversation."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from sessions_app.choices import MessageRole, MessageType
from sessions_app.errors import Id, InvalidValue, ResearchNotFound, as_uuid
from sessions_app.models import TechConversation, TechResearch, TechSpecSession
from sessions_app.services._common import json_object, required_text


def _checked_choice(field: str, value, choices) -> str:
    if value not in choices.values:
        raise InvalidValue(field, f"Unknown {field} {value!r}.", allowed=list(choices.values))
    return value


def add_message(*, session_id: Id, role: str, message: str, message_type: str, research_id: Id | None = None,
                metadata: dict | None = None) -> TechConversation:
    """Insert a checked message; the caller has already found the session (and the research)."""
    return TechConversation.objects.create(
        session_id=session_id,
        research_id=research_id,
        role=role,
        message=message,
        message_type=message_type,
        metadata=metadata or {},
        timestamp=timezone.now(),
    )


@transaction.atomic
def conversation_append(*, session: TechSpecSession, role: str, message: str, message_type: str = MessageType.TEXT,
                        research_id: Id | None = None, metadata: dict | None = None) -> TechConversation:
    """Append one message; a linked research item must belong to the same session."""
    role = _checked_choice("role", role, MessageRole)
    message_type = _checked_choice("message_type", message_type, MessageType)
    message = required_text("message", message)
    metadata = json_object("metadata", metadata)
    if research_id is not None:
        research_pk = as_uuid(research_id, ResearchNotFound)
        if not TechResearch.objects.filter(pk=research_pk, session_id=session.pk).exists():
            raise ResearchNotFound(research_id, session.pk)
        research_id = research_pk
    return add_message(
        session_id=session.pk, role=role, message=message, message_type=message_type,
        research_id=research_id, metadata=metadata,
    )
