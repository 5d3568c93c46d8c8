"""The messages of a session's conversation."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone

from sessions_app.choices import MessageRole, MessageType
from sessions_app.db_expressions import jsonb_is
from sessions_app.models.fields import uuid_pk
from sessions_app.models.research import TechResearch
from sessions_app.models.sessions import TechSpecSession


class TechConversation(models.Model):
    """One message of the conversation between the user, the agent and the system."""

    id = uuid_pk()
    session = models.ForeignKey(
        TechSpecSession, on_delete=models.CASCADE, related_name="conversations", db_index=False
    )
    research = models.ForeignKey(
        TechResearch, on_delete=models.SET_NULL, null=True, blank=True, related_name="conversations"
    )
    role = models.CharField(max_length=10, choices=MessageRole.choices)
    message = models.TextField()
    message_type = models.CharField(max_length=20, choices=MessageType.choices, default=MessageType.TEXT)
    metadata = models.JSONField(default=dict, blank=True)
    timestamp = models.DateTimeField(default=timezone.now, db_default=Now())

    class Meta:
        db_table = "tech_conversations"
        ordering = ["timestamp", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=MessageRole.values), name="conversation_role_valid"),
            models.CheckConstraint(
                condition=Q(message_type__in=MessageType.values), name="conversation_type_valid"
            ),
            models.CheckConstraint(condition=jsonb_is("metadata", "object"), name="conversation_metadata_is_object"),
        ]
        indexes = [
            # Keyset pages of one session's history: (timestamp, id) is the cursor.
            models.Index(fields=["session", "timestamp", "id"], name="conversation_session_time_idx"),
            # The admin's list of all messages, newest first, at millions of rows.
            models.Index(fields=["-timestamp", "-id"], name="conversation_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.message[:60]}"
