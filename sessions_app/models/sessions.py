"""The session table, and the read-only status view over it and its children."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Now

from design_bridge.models import DesignJob
from sessions_app.choices import ACTIVE_STATUSES, SessionStage, SessionStatus
from sessions_app.db_expressions import jsonb_is
from sessions_app.models.fields import created_at_field, uuid_pk


class TechSpecSession(models.Model):
    """One run of the Tech Spec Agent over a completed design job."""

    id = uuid_pk()
    project_id = models.UUIDField()
    design_job = models.ForeignKey(DesignJob, on_delete=models.CASCADE, related_name="tech_spec_sessions")
    user_id = models.UUIDField(help_text="The platform user who owns the session (no foreign key).")
    status = models.CharField(max_length=20, choices=SessionStatus.choices, default=SessionStatus.PENDING)
    current_stage = models.CharField(
        max_length=20, choices=SessionStage.choices, default=SessionStage.INITIALIZATION
    )
    progress_percentage = models.SmallIntegerField(default=0)
    session_data = models.JSONField(default=dict, blank=True)
    websocket_url = models.CharField(max_length=500, blank=True)
    created_at = created_at_field()
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "tech_spec_sessions"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=SessionStatus.values), name="session_status_valid"),
            models.CheckConstraint(condition=Q(current_stage__in=SessionStage.values), name="session_stage_valid"),
            models.CheckConstraint(
                condition=Q(progress_percentage__gte=0, progress_percentage__lte=100),
                name="session_progress_range",
            ),
            # Completed exactly when progress is 100, the stage is `completed` and completed_at is set.
            models.CheckConstraint(
                condition=Q(
                    status=SessionStatus.COMPLETED,
                    progress_percentage=100,
                    current_stage=SessionStage.COMPLETED,
                    completed_at__isnull=False,
                )
                | (
                    ~Q(status=SessionStatus.COMPLETED)
                    & Q(progress_percentage__lt=100, completed_at__isnull=True)
                    & ~Q(current_stage=SessionStage.COMPLETED)
                ),
                name="session_completion_consistent",
            ),
            models.CheckConstraint(condition=jsonb_is("session_data", "object"), name="session_data_is_object"),
            # One active session per design job and user: a second start finds this one.
            models.UniqueConstraint(
                fields=["design_job", "user_id"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="session_one_active_per_job_user",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="session_status_created_idx"),
            models.Index(fields=["user_id", "-created_at"], name="session_user_created_idx"),
            models.Index(fields=["project_id"], name="session_project_idx"),
            models.Index(fields=["-created_at"], name="session_created_idx"),
            # The overview's stuck sessions: the longest-idle running ones, first rows of an index.
            models.Index(
                fields=["updated_at"], name="session_running_updated_idx",
                condition=Q(status__in=[SessionStatus.IN_PROGRESS, SessionStatus.WAITING_USER]),
            ),
        ]

    def __str__(self) -> str:
        return f"Session {self.id} ({self.status})"


class SessionStatusRow(models.Model):
    """A session's status with its research counts, latest TRD and newest open error.

    Read-only: the view tech_spec_session_status (migration 0007), which PostgreSQL
    inlines into each query. Status polls are the API's most frequent request, and
    building the same correlated subqueries through the ORM on every poll cost about
    ten times what PostgreSQL takes to run them.
    """

    id = models.UUIDField(primary_key=True)
    user_id = models.UUIDField()
    status = models.CharField(max_length=20, choices=SessionStatus.choices)
    current_stage = models.CharField(max_length=20, choices=SessionStage.choices)
    progress_percentage = models.SmallIntegerField()
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True)
    research_total = models.BigIntegerField()
    research_awaiting_decision = models.BigIntegerField()
    latest_trd_version = models.PositiveIntegerField(null=True)
    latest_trd_quality_score = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    latest_unrecovered_error = models.JSONField(null=True)

    class Meta:
        managed = False
        db_table = "tech_spec_session_status"

    def __str__(self) -> str:
        return f"{self.id}: {self.status}/{self.current_stage} {self.progress_percentage}%"
