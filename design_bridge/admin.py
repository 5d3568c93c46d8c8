"""Read-only admins of the Design Agent's shared.* tables: staff look, the Design Agent writes."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse

from design_bridge.models import DesignDecision, DesignJob, DesignOutput, DesignProgress

# The admin plumbing is shared with the sessions admin; it depends on nothing session-specific.
from sessions_app.admin.common import BigTableAdmin, ExactIdSearchMixin, ReadOnlyAdminMixin, excerpt
from techspec_project.admin_date_range import DateRangeFilter
from techspec_project.admin_display import DisplayMediaMixin, badge, date_html, short_id

# The session palette's colours for the same meanings (design_bridge does not import sessions_app).
JOB_STATUS_COLOURS = {"pending": "#6b7280", "running": "#2563eb", "completed": "#15803d", "failed": "#b91c1c"}


class MirrorAdmin(DisplayMediaMixin, ReadOnlyAdminMixin, ExactIdSearchMixin, BigTableAdmin):
    """No add, change or delete: another service owns these rows."""


    @admin.display(description="id", ordering="id")
    def row_id(self, obj):
        return short_id(obj.pk)

    @admin.display(description="design job")
    def job_link(self, obj):
        return short_id(obj.job_id, url=reverse("admin:design_bridge_designjob_change", args=[obj.job_id]))

    @admin.display(description="created", ordering="created_at")
    def created(self, obj):
        return date_html(obj.created_at, relative=True)


@admin.register(DesignJob)
class DesignJobAdmin(MirrorAdmin):
    list_display = ("row_id", "project", "status_badge", "created", "updated", "completed")
    list_filter = ("status", ("created_at", DateRangeFilter), ("updated_at", DateRangeFilter))
    search_id_fields = ("pk", "project_id")
    search_help_text = "Search by an exact design job id or project id (UUID)."
    ordering = ("-created_at", "-id")

    @admin.display(description="project")
    def project(self, obj):
        return short_id(obj.project_id)

    @admin.display(description="status")
    def status_badge(self, obj):
        return badge(obj.status, obj.get_status_display(), JOB_STATUS_COLOURS)

    @admin.display(description="updated")
    def updated(self, obj):
        return date_html(obj.updated_at, relative=True)

    @admin.display(description="completed")
    def completed(self, obj):
        return date_html(obj.completed_at, relative=True)


class JobChildAdmin(MirrorAdmin):
    """Rows grouped by design job, in the order of the table's (job_id, …) index.

    techspec cannot index created_at on tables the Design Agent owns, and a
    newest-first page of millions of rows sorted all of them on every view
    (bench_queries: the outputs list over its 300 ms limit at a million sessions).
    """

    search_id_fields = ("pk", "job_id", "job__project_id")
    search_help_text = "Search by an exact id, design job id or project id (UUID)."
    ordering = ("job_id", "created_at", "id")  # (job_id, created_at) indexes decisions and progress
    sortable_by = ("row_id",)  # the primary key index; other columns would sort the whole table
    raw_id_fields = ("job",)


@admin.register(DesignOutput)
class DesignOutputAdmin(JobChildAdmin):
    list_display = ("row_id", "output_type", "job_link", "file_path", "created")
    list_filter = ("output_type",)
    ordering = ("job_id", "output_type", "id")  # the UNIQUE (job_id, output_type) index

    def get_queryset(self, request):
        # Documents can be megabytes; the list shows none of them.
        queryset = super().get_queryset(request)
        return queryset if request.resolver_match.url_name.endswith("_change") else queryset.defer("content")


@admin.register(DesignDecision)
class DesignDecisionAdmin(JobChildAdmin):
    list_display = ("row_id", "decision_type", "value_excerpt", "job_link", "created")

    @admin.display(description="value")
    def value_excerpt(self, obj):
        return excerpt(obj.decision_value)


@admin.register(DesignProgress)
class DesignProgressAdmin(JobChildAdmin):
    list_display = ("row_id", "stage", "progress_percentage", "message", "job_link", "created")
