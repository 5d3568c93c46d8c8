"""Errors the agent's nodes hit."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from sessions_app.models.fields import created_at_field, uuid_pk
from sessions_app.models.sessions import TechSpecSession


class AgentErrorLog(models.Model):
    """An error one of the agent's nodes hit, and whether it recovered."""

    id = uuid_pk()
    session = models.ForeignKey(
        TechSpecSession, on_delete=models.CASCADE, related_name="error_logs", db_index=False
    )
    node = models.CharField(max_length=100)
    error_type = models.CharField(max_length=100)
    message = models.TextField()
    stack_trace = models.TextField(blank=True, default="")
    retry_count = models.IntegerField(default=0)
    recovered = models.BooleanField(default=False)
    recovery_strategy = models.CharField(max_length=100, blank=True, default="")
    created_at = created_at_field()

    class Meta:
        db_table = "agent_error_logs"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(retry_count__gte=0), name="error_retry_count_non_negative"),
            models.CheckConstraint(condition=~Q(node=""), name="error_node_not_blank"),
            models.CheckConstraint(condition=~Q(error_type=""), name="error_type_not_blank"),
        ]
        indexes = [
            models.Index(fields=["node", "recovered", "-created_at"], name="error_node_recovered_idx"),
            models.Index(fields=["session", "-created_at"], name="error_session_created_idx"),
            models.Index(fields=["-created_at"], name="error_created_idx"),
            # Error triage: first and last seen of one (node, error type), two index probes.
            models.Index(fields=["node", "error_type", "created_at"], name="error_group_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.node}/{self.error_type}"
