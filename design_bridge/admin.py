"""Read-only admins of the Design Agent's shared.* tables: staff look, the Design Agent writes."""

from __future__ import annotations

from django.contrib import admin

from design_bridge.models import DesignDecision, DesignJob, DesignOutput, DesignProgress

# The admin plumbing is shared with the sessions admin; it depends on nothing session-specific.
from sessions_app.admin.common import BigTableAdmin, ExactIdSearchMixin, ReadOnlyAdminMixin, excerpt


class MirrorAdmin(ReadOnlyAdminMixin, ExactIdSearchMixin, BigTableAdmin):
    """No add, change or delete: another service owns these rows."""


@admin.register(DesignJob)
class DesignJobAdmin(MirrorAdmin):
    list_display = ("id", "project_id", "status", "created_at", "updated_at", "completed_at")
    list_filter = ("status", "created_at")
    search_id_fields = ("pk", "project_id")
    search_help_text = "Search by an exact design job id or project id (UUID)."
    ordering = ("-created_at", "-id")


class JobChildAdmin(MirrorAdmin):
    """Rows grouped by design job, in the order of the table's (job_id, …) index.

    techspec cannot index created_at on tables the Design Agent owns, and a
    newest-first page of millions of rows sorted all of them on every view
    (bench_queries: the outputs list over its 300 ms limit at a million sessions).
    """

    search_id_fields = ("pk", "job_id", "job__project_id")
    search_help_text = "Search by an exact id, design job id or project id (UUID)."
    ordering = ("job_id", "created_at", "id")  # (job_id, created_at) indexes decisions and progress
    sortable_by = ("id",)  # the primary key index; other columns would sort the whole table
    raw_id_fields = ("job",)


@admin.register(DesignOutput)
class DesignOutputAdmin(JobChildAdmin):
    list_display = ("id", "output_type", "job_id", "file_path", "created_at")
    list_filter = ("output_type",)
    ordering = ("job_id", "output_type", "id")  # the UNIQUE (job_id, output_type) index

    def get_queryset(self, request):
        # Documents can be megabytes; the list shows none of them.
        queryset = super().get_queryset(request)
        return queryset if request.resolver_match.url_name.endswith("_change") else queryset.defer("content")


@admin.register(DesignDecision)
class DesignDecisionAdmin(JobChildAdmin):
    list_display = ("id", "decision_type", "value_excerpt", "job_id", "created_at")

    @admin.display(description="value")
    def value_excerpt(self, obj):
        return excerpt(obj.decision_value)


@admin.register(DesignProgress)
class DesignProgressAdmin(JobChildAdmin):
    list_display = ("id", "stage", "progress_percentage", "message", "job_id", "created_at")
