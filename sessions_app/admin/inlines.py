"""Read-only inlines of a session's change page: research with decisions, TRD versions, errors."""

from __future__ import annotations

from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.urls import reverse

from sessions_app.admin.console_badges import error_state_badge
from sessions_app.admin.trd import version_links
from sessions_app.models import AgentErrorLog, GeneratedTRDDocument, TechResearch
from sessions_app.selectors.trd import TRD_TEXT_FIELDS
from techspec_project.admin_display import excerpt, short_id
from techspec_project.admin_tables import ReadOnlyAdminMixin


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    """An inline staff read; rows are written by the agent through the services."""

    extra = 0
    can_delete = False
    show_change_link = True


INLINE_ROWS = 50


class FirstRowsFormSet(BaseInlineFormSet):
    """The first INLINE_ROWS rows in the inline's order: an agent stuck in a retry loop
    can log thousands of errors, and one page must not render them all."""

    def get_queryset(self):
        if not hasattr(self, "_first_rows"):
            self._first_rows = super().get_queryset()[:INLINE_ROWS]
        return self._first_rows


class ResearchInline(ReadOnlyInline):
    model = TechResearch
    verbose_name_plural = "research and decisions"
    fields = ("technology_category", "gap", "options", "decision", "selection_reasoning", "decision_timestamp")
    readonly_fields = fields

    @admin.display(description="gap")
    def gap(self, obj):
        return excerpt(obj.gap_description, 160)

    @admin.display(description="researched options")
    def options(self, obj):
        names = [str(option.get("name", "?")) for option in obj.researched_options if isinstance(option, dict)]
        return ", ".join(names) or "—"

    @admin.display(description="decision")
    def decision(self, obj):
        if not obj.is_decided:
            return "awaiting decision"
        return f"{obj.selected_technology} (custom)" if obj.is_custom_selection else obj.selected_technology


class TRDInline(ReadOnlyInline):
    model = GeneratedTRDDocument
    formset = FirstRowsFormSet
    verbose_name_plural = f"TRD versions (the latest {INLINE_ROWS}; all of them under Generated TRD documents)"
    fields = ("version", "quality_score", "created_at", "document")
    readonly_fields = fields
    ordering = ("-version",)

    def get_queryset(self, request):
        # Versions only: the documents are read on their own page.
        return super().get_queryset(request).defer(*TRD_TEXT_FIELDS)

    @admin.display(description="document")
    def document(self, obj):
        return version_links(obj)


class ErrorInline(ReadOnlyInline):
    model = AgentErrorLog
    formset = FirstRowsFormSet
    verbose_name_plural = f"errors (the latest {INLINE_ROWS}; all of them under Agent error logs)"
    fields = ("error", "node", "error_type", "message_excerpt", "retry_count", "state", "recovery_strategy",
              "created_at")
    readonly_fields = fields
    ordering = ("-created_at", "-id")
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).defer("stack_trace")

    @admin.display(description="error")
    def error(self, obj):
        # The id's tail, as on every list: a link reading "open" beside an error's state read as the state.
        return short_id(obj.pk, url=reverse("admin:sessions_app_agenterrorlog_change", args=[obj.pk]))

    @admin.display(description="state")
    def state(self, obj):
        return error_state_badge(obj.recovered)

    @admin.display(description="message")
    def message_excerpt(self, obj):
        return excerpt(obj.message, 120)
