"""Agent error triage: the error list with recover / reopen actions; the grouped view lives in error_triage.py."""

from __future__ import annotations

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from sessions_app.admin.children import SessionLinkMixin
from sessions_app.admin.common import admin_link, recent_values_filter
from sessions_app.admin.console_badges import error_state_badge
from sessions_app.admin.error_triage import ErrorTriageMixin, group_url, stack_trace_html
from sessions_app.admin.export import CsvExportMixin
from sessions_app.models import AgentErrorLog, TechSpecSession
from sessions_app.services import errors_set_recovered
from techspec_project.admin_date_range import DateRangeFilter
from techspec_project.admin_display import badge, excerpt, short_id
from techspec_project.admin_palette import ERROR_COLOURS
from techspec_project.admin_tables import BigTableAdmin, ExactIdSearchMixin


@admin.register(AgentErrorLog)
class AgentErrorLogAdmin(ErrorTriageMixin, SessionLinkMixin, CsvExportMixin, ExactIdSearchMixin, BigTableAdmin):
    """Triage the agent's errors; recovering and reopening go through errors_set_recovered."""

    list_display = (
        "short_error_id", "node", "error_type", "message_excerpt", "state_badge", "retries", "session_link",
        "created",
    )
    list_display_links = ("node", "error_type")
    sortable_by = ("created",)  # the created_at index; other orders would sort the whole log
    list_filter = (
        recent_values_filter("node", "node"),
        recent_values_filter("error_type", "error type"),
        "recovered",
        ("created_at", DateRangeFilter),
    )
    csv_columns = (
        ("id", "id"), ("session_id", "session_id"), ("node", "node"), ("error_type", "error_type"),
        ("recovered", "recovered"), ("retry_count", "retry_count"), ("recovery_strategy", "recovery_strategy"),
        ("message", "message"), ("created_at", "created_at"),
    )
    search_id_fields = ("pk", "session_id")
    search_help_text = "Search by an exact error id or session id (UUID)."
    ordering = ("-created_at", "-id")
    actions = ("mark_recovered", "reopen")
    readonly_fields = (
        "id", "state", "session_page_link", "group_link", "node", "error_type", "message_block", "stack_trace_block",
        "retry_count", "recovery_strategy", "created_at",
    )
    fields = readonly_fields
    change_list_template = "admin/sessions_app/agenterrorlog/change_list.html"
    change_form_template = "admin/sessions_app/agenterrorlog/change_form.html"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(self.error_actions(request, obj), error=obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        # The list shows no stack traces; the error's own page does.
        return queryset if request.resolver_match.url_name.endswith("_change") else queryset.defer("stack_trace")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # The list's actions change rows (through the service); a single error's page is read-only.
        return obj is None and super().has_change_permission(request)

    # --- columns -------------------------------------------------------------------

    @admin.display(description="error")
    def short_error_id(self, obj):
        return short_id(obj.pk, url=reverse("admin:sessions_app_agenterrorlog_change", args=[obj.pk]))

    @admin.display(description="message")
    def message_excerpt(self, obj):
        return format_html('<span class="ts-excerpt" title="{}">{}</span>', excerpt(obj.message, 400),
                           excerpt(obj.message, 110))

    @admin.display(description="retries")
    def retries(self, obj):
        return obj.retry_count

    @admin.display(description="state")
    def state_badge(self, obj):
        state = "recovered" if obj.recovered else "open"
        title = f"{state} · recovery strategy: {obj.recovery_strategy}" if obj.recovery_strategy else state
        return badge(state, state, ERROR_COLOURS, title=title)

    @admin.display(description="state")
    def state(self, obj):
        return error_state_badge(obj.recovered)

    @admin.display(description="session")
    def session_page_link(self, obj):
        # The whole id on the error's own page: it is there to be read and copied.
        text = format_html('<code style="color:inherit">{}</code>', obj.session_id)
        return admin_link(TechSpecSession, obj.session_id, text)

    @admin.display(description="group")
    def group_link(self, obj):
        return format_html('<a href="{}">all errors of {} · {}</a>', group_url(obj.node, obj.error_type),
                           obj.node, obj.error_type)

    @admin.display(description="message")
    def message_block(self, obj):
        return format_html('<div style="white-space:pre-wrap;max-width:1000px">{}</div>', obj.message)

    @admin.display(description="stack trace")
    def stack_trace_block(self, obj):
        return stack_trace_html(obj.stack_trace)

    # --- actions -------------------------------------------------------------------

    def _set_recovered(self, request, queryset, recovered: bool) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        changed = errors_set_recovered(error_ids=ids, recovered=recovered)
        state = "recovered" if recovered else "reopened"
        unchanged = len(ids) - changed
        note = f" ({unchanged} already were)" if unchanged else ""
        messages.success(request, f"{changed} error{'s' if changed != 1 else ''} {state}{note}.")

    @admin.action(description="Mark selected errors recovered", permissions=["change"])
    def mark_recovered(self, request, queryset):
        self._set_recovered(request, queryset, True)

    @admin.action(description="Reopen selected errors", permissions=["change"])
    def reopen(self, request, queryset):
        self._set_recovered(request, queryset, False)
