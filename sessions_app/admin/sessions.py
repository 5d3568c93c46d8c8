"""Sessions in the admin: a changelist that stays fast at a million rows, and a read-mostly change page."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils.html import format_html, format_html_join

from design_bridge.errors import DesignOutputsMissing
from design_bridge.models import DesignJob
from design_bridge.services import load_design_agent_outputs, load_design_decisions, load_design_job_manifest
from sessions_app.admin.common import admin_link, changelist_url
from sessions_app.admin.export import CsvExportMixin
from sessions_app.admin.forms import SessionStartForm, SessionStateForm
from sessions_app.admin.inlines import ErrorInline, ResearchInline, TRDInline
from sessions_app.admin.timeline import SessionTimelineMixin
from sessions_app.models import AgentErrorLog, TechSpecSession
from sessions_app.selectors.admin import (
    SessionPageCounts,
    session_page_counts,
    sessions_by_open_errors,
)
from techspec_project.admin_date_range import DateRangeFilter
from techspec_project.admin_display import DisplayMediaMixin, badge, date_html, short_id, when
from techspec_project.admin_palette import JOB_STATUS_COLOURS, STAGE_COLOURS, STATUS_COLOURS
from techspec_project.admin_tables import BigTableAdmin, ExactIdSearchMixin, IndexedSortChangeList
from techspec_project.errors import DomainError

OUTPUT_PREVIEW_CHARS = 2_000


class HasUnrecoveredErrorsFilter(admin.SimpleListFilter):
    """Sessions with (or without) at least one error that has not recovered (EXISTS, no join)."""

    title = "unrecovered errors"
    parameter_name = "has_unrecovered_errors"

    def lookups(self, request, model_admin):
        return [("yes", "Has unrecovered errors"), ("no", "None")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return sessions_by_open_errors(queryset, present=self.value() == "yes")
        return queryset


class SessionChangeList(IndexedSortChangeList):
    """Loads the page's research, conversation and error counts in three grouped queries."""

    def get_queryset(self, request, exclude_parameters=None):
        # A list never needs the snapshot JSON.
        return super().get_queryset(request, exclude_parameters).defer("session_data")

    def get_results(self, request):
        super().get_results(request)
        self.result_list = list(self.result_list)
        counts = session_page_counts(session.pk for session in self.result_list)
        for session in self.result_list:
            session.page_counts = counts.get(session.pk, SessionPageCounts())


@admin.register(TechSpecSession)
class TechSpecSessionAdmin(DisplayMediaMixin, SessionTimelineMixin, CsvExportMixin, ExactIdSearchMixin, BigTableAdmin):
    """Browse sessions; status changes go through the state machine."""

    list_display = (
        "short_id", "short_project_id", "status_badge", "stage_badge", "progress", "design_job_status",
        "research_count", "conversation_count", "unrecovered_error_count", "created", "updated",
    )
    csv_columns = (
        ("id", "id"), ("project_id", "project_id"), ("design_job_id", "design_job_id"), ("user_id", "user_id"),
        ("status", "status"), ("current_stage", "current_stage"), ("progress_percentage", "progress_percentage"),
        ("created_at", "created_at"), ("updated_at", "updated_at"), ("completed_at", "completed_at"),
    )
    list_select_related = ("design_job",)
    # Only orders an index serves: any other column would sort a million rows per page view.
    sortable_by = ("created",)
    list_filter = (
        "status", "current_stage", ("created_at", DateRangeFilter), ("updated_at", DateRangeFilter),
        HasUnrecoveredErrorsFilter,
    )
    search_id_fields = ("pk", "project_id", "design_job_id")
    search_help_text = "Search by an exact session id, project id or design job id (UUID)."
    ordering = ("-created_at", "-id")
    raw_id_fields = ("design_job",)
    inlines = (ResearchInline, TRDInline, ErrorInline)

    class Media(DisplayMediaMixin.Media):  # its own Media would otherwise hide the list and timeline styles
        # Follows the session live on its change page through the events WebSocket (staff session cookie).
        js = (*DisplayMediaMixin.Media.js, "sessions_app/session_events.js")

    change_fieldsets = (
        (None, {"fields": ("id", "project_id", "design_job", "user_id", "websocket_url")}),
        ("State (changes go through the session state machine)",
         {"fields": ("status", "current_stage", "progress_percentage", "created_at", "updated_at", "completed_at")}),
        ("Design job", {"fields": ("design_job_panel",)}),
        ("Snapshot", {"fields": ("session_data_pretty",), "classes": ("collapse",)}),
    )
    change_readonly_fields = (
        "id", "project_id", "design_job", "user_id", "websocket_url", "created_at", "updated_at", "completed_at",
        "design_job_panel", "session_data_pretty",
    )

    # --- querysets, forms and saving ------------------------------------------

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("design_job")

    def get_changelist(self, request, **kwargs):
        return SessionChangeList

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return ((None, {"fields": ("project_id", "design_job", "user_id")}),)
        return self.change_fieldsets

    def get_readonly_fields(self, request, obj=None):
        return self.change_readonly_fields if obj is not None else ()

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = SessionStateForm if obj is not None else SessionStartForm
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request, obj, form, change):
        # The service writes (or finds) the row; the form's clean() already asked it, so a
        # refusal here means the row changed in between (see changeform_view).
        result = form.apply()
        if not change:
            obj.pk = result.session.pk
            if not result.created:
                messages.info(request, "This design job and user already had an active session; here it is.")
        obj.refresh_from_db()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            # Another write got in between clean() and save_model: the admin's transaction has
            # rolled back, so nothing changed; say why and show the page again.
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def has_delete_permission(self, request, obj=None):
        # A session ends through the state machine (failed, cancelled); deleting one from the
        # admin would bypass it and, at scale, list every child row on the confirmation page.
        return False

    # --- changelist columns ----------------------------------------------------

    @admin.display(description="session")
    def short_id(self, obj):
        return short_id(obj.pk)

    @admin.display(description="project")
    def short_project_id(self, obj):
        return short_id(obj.project_id)

    @admin.display(description="status")
    def status_badge(self, obj):
        return badge(obj.status, obj.get_status_display(), STATUS_COLOURS)

    @admin.display(description="stage")
    def stage_badge(self, obj):
        return badge(obj.current_stage, obj.get_current_stage_display(), STAGE_COLOURS)

    @admin.display(description="created", ordering="created_at")
    def created(self, obj):
        return date_html(obj.created_at)

    @admin.display(description="updated")
    def updated(self, obj):
        return date_html(obj.updated_at, relative=True)

    @admin.display(description="progress")
    def progress(self, obj):
        value = obj.progress_percentage
        return format_html(
            '<progress max="100" value="{}" title="{}%"></progress> {}%', value, value, value
        )

    @admin.display(description="job")
    def design_job_status(self, obj):
        return badge(obj.design_job.status, obj.design_job.get_status_display(), JOB_STATUS_COLOURS)

    @admin.display(description="research")
    def research_count(self, obj):
        return obj.page_counts.research

    @admin.display(description="msgs")
    def conversation_count(self, obj):
        return obj.page_counts.conversations

    @admin.display(description="errors")
    def unrecovered_error_count(self, obj):
        count = obj.page_counts.unrecovered_errors
        if not count:
            return 0
        url = changelist_url(AgentErrorLog, session=obj.pk, recovered__exact=0)
        return format_html('<a href="{}" style="color:#b91c1c;font-weight:bold" title="{} unrecovered">{}</a>',
                           url, count, count)

    # --- change page panels ------------------------------------------------------

    @admin.display(description="design job")
    def design_job_panel(self, obj):
        manifest = load_design_job_manifest(obj.design_job_id)
        job = manifest.job
        header = format_html(
            "<p>{} · status <strong>{}</strong> · project {} · completed {} · {} decisions</p>",
            admin_link(DesignJob, job.pk), job.get_status_display(), job.project_id,
            when(job.completed_at), manifest.decision_count,
        )
        return header + self._outputs_html(obj, manifest) + self._decisions_html(obj)

    def _outputs_html(self, obj, manifest):
        if manifest.missing_outputs:
            missing = ", ".join(manifest.missing_outputs)
            return format_html("<p class='errornote'>Missing required outputs: {}</p>", missing)
        try:
            outputs = load_design_agent_outputs(obj.design_job_id)
        except DesignOutputsMissing as exc:  # pragma: no cover - a race with the Design Agent
            return format_html("<p class='errornote'>{}</p>", exc.message)
        documents = [
            ("PRD", outputs.prd), ("Design system", outputs.design_system),
            ("UX flow", outputs.ux_flow), ("Screen specs", outputs.screen_specs),
        ]
        rows = format_html_join(
            "", "<details><summary>{} ({} characters)</summary><pre style='white-space:pre-wrap'>{}</pre></details>",
            ((title, len(body), body[:OUTPUT_PREVIEW_CHARS]) for title, body in documents),
        )
        code = outputs.ai_studio_code_path or "none"
        return rows + format_html("<p>AI Studio code: {}</p>", code)

    def _decisions_html(self, obj):
        decisions = load_design_decisions(obj.design_job_id)
        if not decisions:
            return format_html("<p>{}</p>", "No design decisions.")
        rows = format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((d.decision_type, d.decision_value, d.reasoning, when(d.created_at)) for d in decisions),
        )
        return format_html(
            "<table><thead><tr><th>Decision</th><th>Value</th><th>Reasoning</th><th>At</th></tr></thead>"
            "<tbody>{}</tbody></table>", rows,
        )

    @admin.display(description="session data")
    def session_data_pretty(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.session_data, indent=2, sort_keys=True))
