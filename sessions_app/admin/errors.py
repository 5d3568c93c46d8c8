"""Agent error triage: the error list with recover / reopen actions, and a view grouped by (node, error type)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from sessions_app.admin.common import (
    BigTableAdmin,
    ExactIdSearchMixin,
    changelist_url,
    excerpt,
    recent_values_filter,
)
from sessions_app.admin.export import CsvExportMixin
from sessions_app.admin.palette import ERROR_COLOURS
from sessions_app.models import AgentErrorLog
from sessions_app.selectors.admin import error_groups
from sessions_app.services import errors_set_recovered
from techspec_project.admin_date_range import DateRangeFilter
from techspec_project.admin_display import DisplayMediaMixin, badge, date_html, short_id

# The grouped view's time windows (days; None is all time). The default keeps
# the GROUP BY on the created_at index instead of the whole table.
GROUP_WINDOWS = {"1": 1, "7": 7, "30": 30, "all": None}
DEFAULT_GROUP_WINDOW = "30"


@admin.register(AgentErrorLog)
class AgentErrorLogAdmin(DisplayMediaMixin, CsvExportMixin, ExactIdSearchMixin, BigTableAdmin):
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
        "id", "session_link", "node", "error_type", "message", "stack_trace", "retry_count", "recovered",
        "recovery_strategy", "created_at",
    )
    fields = readonly_fields
    change_list_template = "admin/sessions_app/agenterrorlog/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).defer("stack_trace")

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

    @admin.display(description="session")
    def session_link(self, obj):
        return short_id(obj.session_id, url=reverse("admin:sessions_app_techspecsession_change",
                                                    args=[obj.session_id]))

    @admin.display(description="created", ordering="created_at")
    def created(self, obj):
        return date_html(obj.created_at, relative=True)

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

    # --- grouped view --------------------------------------------------------------

    def get_urls(self):
        groups = path("groups/", self.admin_site.admin_view(self.groups_view), name="sessions_app_agenterrorlog_groups")
        return [groups, *super().get_urls()]

    def groups_view(self, request):
        """One row per (node, error type): total, unrecovered, first and last seen, links to the list."""
        window = request.GET.get("window", DEFAULT_GROUP_WINDOW)
        if window not in GROUP_WINDOWS:
            window = DEFAULT_GROUP_WINDOW
        days = GROUP_WINDOWS[window]
        since = timezone.now().replace(microsecond=0) - timedelta(days=days) if days is not None else None
        list_params = {"created_at__gte": since.isoformat()} if since is not None else {}
        rows = [
            {
                "group": group,
                "all_url": changelist_url(AgentErrorLog, node=group.node, error_type=group.error_type, **list_params),
                "open_url": changelist_url(
                    AgentErrorLog, node=group.node, error_type=group.error_type, recovered__exact=0, **list_params
                ),
            }
            for group in error_groups(since=since)
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Agent errors by node and type",
            "rows": rows,
            "windows": [(key, "all time" if value is None else f"last {value} day{'s' if value != 1 else ''}")
                        for key, value in GROUP_WINDOWS.items()],
            "window": window,
            "changelist_url": reverse("admin:sessions_app_agenterrorlog_changelist"),
        }
        return TemplateResponse(request, "admin/sessions_app/agenterrorlog/groups.html", context)

