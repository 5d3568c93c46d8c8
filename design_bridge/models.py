"""Unmanaged mirrors of the Design Agent's tables in the `shared` schema.

The Design Agent owns these tables and writes them with plain SQL; techspec
only reads them. Django never creates, alters or deletes them (managed=False),
and relations use DO_NOTHING because PostgreSQL's own ON DELETE CASCADE does
the deleting. The DDL used in bootstrap mode lives in shared_schema.py.
"""

from django.db import models


class DesignJobStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"


class DesignOutputType(models.TextChoices):
    PRD = "prd", "PRD"
    DESIGN_SYSTEM = "design_system", "Design system"
    UX_FLOW = "ux_flow", "UX flow"
    SCREEN_SPECS = "screen_specs", "Screen specs"
    AI_STUDIO_CODE = "ai_studio_code", "AI Studio code"


# The documents a Tech Spec session cannot start without.
REQUIRED_OUTPUT_TYPES = (
    DesignOutputType.PRD,
    DesignOutputType.DESIGN_SYSTEM,
    DesignOutputType.UX_FLOW,
    DesignOutputType.SCREEN_SPECS,
)


class DesignJob(models.Model):
    """One Design Agent run for a project (shared.design_jobs)."""

    id = models.UUIDField(primary_key=True)
    project_id = models.UUIDField()
    user_id = models.UUIDField(null=True, blank=True)
    status = models.CharField(max_length=32, choices=DesignJobStatus.choices)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        managed = False
        # Quoting trick for a schema-qualified name: Django quotes this as "shared"."design_jobs".
        db_table = 'shared"."design_jobs'
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Design job {self.id} ({self.status})"


class DesignOutput(models.Model):
    """One document a design job produced (shared.design_outputs)."""

    id = models.UUIDField(primary_key=True)
    job = models.ForeignKey(DesignJob, on_delete=models.DO_NOTHING, db_column="job_id", related_name="outputs")
    output_type = models.CharField(max_length=64, choices=DesignOutputType.choices)
    content = models.TextField(blank=True)
    file_path = models.TextField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = 'shared"."design_outputs'
        ordering = ["output_type"]

    def __str__(self) -> str:
        return f"{self.output_type} of {self.job_id}"


class DesignDecision(models.Model):
    """A decision taken during a design job (shared.design_decisions)."""

    id = models.UUIDField(primary_key=True)
    job = models.ForeignKey(DesignJob, on_delete=models.DO_NOTHING, db_column="job_id", related_name="decisions")
    decision_type = models.CharField(max_length=64)
    decision_value = models.TextField()
    reasoning = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = 'shared"."design_decisions'
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.decision_type}: {self.decision_value[:40]}"


class DesignProgress(models.Model):
    """A progress report of a design job (shared.design_progress)."""

    id = models.UUIDField(primary_key=True)
    job = models.ForeignKey(DesignJob, on_delete=models.DO_NOTHING, db_column="job_id", related_name="progress")
    stage = models.CharField(max_length=64)
    progress_percentage = models.SmallIntegerField()
    message = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = 'shared"."design_progress'
        ordering = ["created_at", "id"]
        verbose_name_plural = "design progress"

    def __str__(self) -> str:
        return f"{self.stage} {self.progress_percentage}%"
