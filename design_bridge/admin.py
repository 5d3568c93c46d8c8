"""Read-only admins of the Design Agent's shared.* tables: staff look, the Design Agent writes."""

from __future__ import annotations

from django.contrib import admin
from django.db.models.functions import Length, Substr
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from design_bridge.models import DesignDecision, DesignJob, DesignOutput, DesignProgress
from techspec_project.admin_date_range import DateRangeFilter
from techspec_project.admin_display import DisplayMediaMixin, badge, date_html, excerpt, short_id, when
from techspec_project.admin_palette import JOB_STATUS_COLOURS, STATUS_COLOURS
from techspec_project.admin_tables import BigTableAdmin, ExactIdSearchMixin, ReadOnlyAdminMixin

OUTPUT_PREVIEW_CHARS = 4000  # of a document that can be megabytes: read only this much from the database
JOB_PAGE_DECISIONS = 200
JOB_PAGE_SESSIONS = 20


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
    """Design jobs newest first by id; a job's page shows its outputs, decisions and the sessions started from it.

    The list is ordered by the primary key, not created_at: shared.design_jobs has no
    created_at index and techspec may not add one (verify mode), so ORDER BY created_at
    sorted every job on each view (bench_queries: p95 35 ms at 100k sessions, 66 ms at
    1M, 222 ms at 5M). The pk index answers a page by reading 50 entries; UUIDv7 ids
    (seed_data's, and the Design Agent's when it uses them) sort by creation time.
    """

    list_display = ("row_id", "project", "status_badge", "created", "updated", "completed")
    list_filter = ("status", ("created_at", DateRangeFilter), ("updated_at", DateRangeFilter))
    search_id_fields = ("pk", "project_id")
    search_help_text = "Search by an exact design job id or project id (UUID)."
    ordering = ("-id",)
    sortable_by = ("row_id",)  # the primary key index; other columns would sort the whole table
    fields = ("id", "project_id", "user_id", "status", "created_at", "updated_at", "completed_at",
              "outputs_panel", "decisions_panel", "sessions_panel")
    readonly_fields = fields

    @admin.display(description="outputs")
    def outputs_panel(self, obj):
        outputs = (
            DesignOutput.objects.filter(job_id=obj.pk).order_by("output_type")
            .annotate(size=Length("content"), preview=Substr("content", 1, OUTPUT_PREVIEW_CHARS))
            .defer("content")
        )
        rows = [
            (o.get_output_type_display(), o.size or 0, o.file_path or "", o.preview or "",
             f" (first {OUTPUT_PREVIEW_CHARS:,} shown)" if (o.size or 0) > OUTPUT_PREVIEW_CHARS else "")
            for o in outputs
        ]
        if not rows:
            return "No outputs."
        return format_html_join(
            "", "<details class='design-output'><summary>{} · {} characters {}</summary>"
            "<pre style='white-space:pre-wrap;max-width:1000px'>{}</pre><p>{}</p></details>",
            ((kind, f"{size:,}", path, preview, note) for kind, size, path, preview, note in rows),
        )

    @admin.display(description="decisions")
    def decisions_panel(self, obj):
        decisions = list(
            DesignDecision.objects.filter(job_id=obj.pk).order_by("created_at", "id")[:JOB_PAGE_DECISIONS]
        )
        if not decisions:
            return "No design decisions."
        rows = format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((d.decision_type, excerpt(d.decision_value, 200), excerpt(d.reasoning or "", 300), when(d.created_at))
             for d in decisions),
        )
        return format_html(
            "<table class='design-decisions'><thead><tr><th>Decision</th><th>Value</th><th>Reasoning</th>"
            "<th>At</th></tr></thead><tbody>{}</tbody></table>", rows,
        )

    @admin.display(description="tech spec sessions")
    def sessions_panel(self, obj):
        # Through the reverse relation: design_bridge does not import the sessions app's models.
        sessions = obj.tech_spec_sessions.order_by("-created_at").only(
            "id", "design_job_id", "status", "progress_percentage", "user_id", "created_at",
        )
        newest = list(sessions[:JOB_PAGE_SESSIONS])
        if not newest:
            return "No session was started from this job."
        rows = format_html_join(
            "", "<tr><td><a href='{}'><code class='nowrap'>{}</code></a></td><td>{}</td><td>{}%</td>"
            "<td><code class='nowrap'>{}</code></td><td>{}</td></tr>",
            ((reverse("admin:sessions_app_techspecsession_change", args=[s.pk]), s.pk,
              badge(s.status, s.get_status_display(), STATUS_COLOURS), s.progress_percentage, s.user_id,
              when(s.created_at)) for s in newest),
        )
        more = ""
        if len(newest) == JOB_PAGE_SESSIONS:
            url = reverse("admin:sessions_app_techspecsession_changelist") + f"?design_job__id__exact={obj.pk}"
            more = format_html("<p><a href='{}'>All sessions of this job</a></p>", url)
        return format_html(
            "<style>.job-sessions code.nowrap{{white-space:nowrap}}</style>"
            "<table class='job-sessions'><thead><tr><th>Session</th><th>Status</th><th>Progress</th><th>User</th>"
            "<th>Started</th></tr></thead><tbody>{}</tbody></table>{}", rows, more,
        )

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
