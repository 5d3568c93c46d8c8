"""The five tech-spec tables.

Every rule a row must satisfy is also a database constraint, so SQL written by
another service (or a bulk loader) cannot break it either. Foreign keys cascade
in PostgreSQL itself (see the ForeignKeyOnDelete operations in the migrations),
because the Design Agent deletes its jobs with plain SQL.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone

from design_bridge.models import DesignJob
from sessions_app.choices import (
    ACTIVE_STATUSES,
    MessageRole,
    MessageType,
    SessionStage,
    SessionStatus,
)
from sessions_app.db_expressions import jsonb_is, option_named

RANDOM_UUID = models.Func(function="gen_random_uuid", output_field=models.UUIDField())


def _uuid_pk() -> models.UUIDField:
    # Python default for the ORM, database default for plain-SQL writers and COPY.
    return models.UUIDField(primary_key=True, default=uuid.uuid4, db_default=RANDOM_UUID, editable=False)


def _created_at(**kwargs) -> models.DateTimeField:
    return models.DateTimeField(default=timezone.now, db_default=Now(), editable=False, **kwargs)


class TechSpecSession(models.Model):
    """One run of the Tech Spec Agent over a completed design job."""

    id = _uuid_pk()
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
    created_at = _created_at()
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


class TechResearch(models.Model):
    """A technology gap the agent researched, with the options and the user's decision."""

    id = _uuid_pk()
    # The (session, technology_category) index leads with session_id, so no separate FK index.
    session = models.ForeignKey(
        TechSpecSession, on_delete=models.CASCADE, related_name="research", db_index=False
    )
    technology_category = models.CharField(max_length=100)
    gap_description = models.TextField()
    researched_options = models.JSONField(
        default=list, help_text='A JSON list of option objects, each with a "name".'
    )
    selected_technology = models.CharField(max_length=200, blank=True, default="")
    is_custom_selection = models.BooleanField(
        default=False, help_text="The user chose a technology outside the researched options."
    )
    selection_reasoning = models.TextField(blank=True, default="")
    decision_timestamp = models.DateTimeField(null=True, blank=True)
    created_at = _created_at()

    class Meta:
        db_table = "tech_research"
        ordering = ["created_at", "id"]
        verbose_name_plural = "tech research"
        constraints = [
            models.CheckConstraint(condition=~Q(technology_category=""), name="research_category_not_blank"),
            models.CheckConstraint(
                condition=jsonb_is("researched_options", "array"), name="research_options_is_array"
            ),
            # A decision is a technology and a timestamp together, or neither.
            models.CheckConstraint(
                condition=Q(selected_technology="", decision_timestamp__isnull=True)
                | (~Q(selected_technology="") & Q(decision_timestamp__isnull=False)),
                name="research_decision_complete",
            ),
            # The chosen technology is one of the researched options unless marked custom.
            models.CheckConstraint(
                condition=Q(selected_technology="")
                | Q(is_custom_selection=True)
                | Q(researched_options__contains=option_named("selected_technology")),
                name="research_selection_in_options",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "technology_category"], name="research_session_category_idx"),
            # The admin's list of all research, newest first, at millions of rows.
            models.Index(fields=["-created_at", "-id"], name="research_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.technology_category}: {self.selected_technology or 'undecided'}"

    @property
    def is_decided(self) -> bool:
        return bool(self.selected_technology)


class TechConversation(models.Model):
    """One message of the conversation between the user, the agent and the system."""

    id = _uuid_pk()
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


class GeneratedTRDDocument(models.Model):
    """One version of the Technical Requirements Document generated for a session."""

    id = _uuid_pk()
    # The unique (session, version) index serves lookups by session and "latest version"
    # (a b-tree scans backwards), so neither a FK index nor a (session, -version) index is added.
    session = models.ForeignKey(
        TechSpecSession, on_delete=models.CASCADE, related_name="trd_documents", db_index=False
    )
    trd_content = models.TextField()
    api_specification = models.TextField(blank=True, default="")
    database_schema = models.TextField(blank=True, default="")
    architecture_diagram = models.TextField(blank=True, default="")
    tech_stack_document = models.TextField(blank=True, default="")
    quality_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    validation_report = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField()
    created_at = _created_at()

    class Meta:
        db_table = "generated_trd_documents"
        ordering = ["session", "-version"]
        verbose_name = "generated TRD document"
        constraints = [
            models.UniqueConstraint(fields=["session", "version"], name="trd_version_unique_per_session"),
            models.CheckConstraint(condition=Q(version__gte=1), name="trd_version_positive"),
            models.CheckConstraint(
                condition=Q(quality_score__isnull=True) | Q(quality_score__gte=0, quality_score__lte=100),
                name="trd_quality_score_range",
            ),
            models.CheckConstraint(
                condition=jsonb_is("validation_report", "object"), name="trd_validation_report_is_object"
            ),
        ]
        indexes = [
            # The admin's list of all TRD versions, newest first.
            models.Index(fields=["-created_at", "-id"], name="trd_created_idx"),
        ]

    def __str__(self) -> str:
        return f"TRD v{self.version} of {self.session_id}"


class AgentErrorLog(models.Model):
    """An error one of the agent's nodes hit, and whether it recovered."""

    id = _uuid_pk()
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
    created_at = _created_at()

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


class SeedStubDesignJob(models.Model):
    """Marks a shared.design_jobs row that `seed_data` created as a stub, so `--clear` removes only those.

    The Design Agent owns shared.*, so the mark lives here rather than in a column there.
    No foreign key: a stub the Design Agent deletes leaves a harmless stale mark.
    """

    design_job_id = models.UUIDField(primary_key=True)

    class Meta:
        db_table = "seed_stub_design_jobs"

    def __str__(self) -> str:
        return f"Seed stub {self.design_job_id}"


class SessionStatusCount(models.Model):
    """Sessions per status (and their summed progress), kept exact by PostgreSQL triggers.

    Counting a million sessions by status takes a full scan; this summary is
    updated in the same transaction as every insert, update, delete or truncate
    of tech_spec_sessions, whoever runs it (ORM, raw SQL, COPY). Each backend
    writes its own shard row (pg_backend_pid() % 64), so concurrent writers
    rarely wait on one another; readers sum the shards. A shard's `n` can be
    negative (a session counted in one shard and deleted from another).
    """

    pk = models.CompositePrimaryKey("status", "shard")
    status = models.CharField(max_length=20)
    shard = models.SmallIntegerField()
    n = models.BigIntegerField(default=0)
    progress_sum = models.BigIntegerField(default=0)

    class Meta:
        db_table = "session_status_counts"

    def __str__(self) -> str:
        return f"{self.status}[{self.shard}] = {self.n}"


class ApiRateCounter(models.Model):
    """Requests counted against one API limit (a caller, or the whole API) in its current window.

    A row is a fixed window that starts at the key's first request and lasts
    `window_seconds`; the next request after it ends starts a new one. The API's
    throttle counts every limit of a request in one atomic upsert (see
    sessions_app/api/rate_counters.py). The table is UNLOGGED: counting writes no
    WAL and waits for no disk flush, and a crash of PostgreSQL only resets the counts.
    """

    key = models.TextField(primary_key=True)
    window_start = models.DateTimeField()
    window_seconds = models.PositiveIntegerField()
    hits = models.PositiveIntegerField()

    class Meta:
        db_table = "api_rate_counters"
        constraints = [
            models.CheckConstraint(condition=models.Q(window_seconds__gt=0), name="api_rate_counters_window_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.hits} since {self.window_start:%H:%M:%S}"


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


class ConsoleDailyCount(models.Model):
    """Per-day counters the staff overview and error triage read, kept exact by PostgreSQL triggers.

    One row per (UTC day, metric, key, shard); readers sum the shards, as with
    SessionStatusCount. Metrics (migration 0009 writes them from every insert,
    update, delete or truncate, whoever runs it):

    - ``sessions``: sessions created that day; key ``status/stage`` (current values).
    - ``completed``: sessions completed that day; key the duration bucket
      floor(4·log2(seconds from start to completion)), a quarter octave wide.
    - ``errors`` / ``open_errors``: errors logged that day (all / not recovered);
      key ``node<US>error_type`` (US is the unit separator, chr(31)).
    - ``trds``: TRD versions created that day; key the quality score decile ("0".."90") or "none".

    Every fact is counted twice: on its day and on 1970-01-01 (selectors.overview.ALL_TIME), so
    all-time figures read one day's rows however many days there are.
    """

    # Metric first: every read names its metrics and a range of days, an index range scan.
    pk = models.CompositePrimaryKey("metric", "day", "key", "shard")
    metric = models.CharField(max_length=20)
    day = models.DateField()
    key = models.TextField()
    shard = models.SmallIntegerField()
    n = models.BigIntegerField(default=0)

    class Meta:
        db_table = "console_daily_counts"

    def __str__(self) -> str:
        return f"{self.day} {self.metric} {self.key}[{self.shard}] = {self.n}"
