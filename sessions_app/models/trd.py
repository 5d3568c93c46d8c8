"""The TRD versions generated for a session."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from sessions_app.db_expressions import jsonb_is
from sessions_app.models.fields import created_at_field, uuid_pk
from sessions_app.models.sessions import TechSpecSession


class GeneratedTRDDocument(models.Model):
    """One version of the Technical Requirements Document generated for a session."""

    id = uuid_pk()
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
    created_at = created_at_field()

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
