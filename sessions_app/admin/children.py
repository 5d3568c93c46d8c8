"""Read-only admins of a session's children: research and conversation messages (TRD versions: admin/trd.py)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from sessions_app.models import TechConversation, TechResearch
from techspec_project.admin_date_range import DateRangeFilter
from techspec_project.admin_display import DisplayMediaMixin, badge, date_html, excerpt, short_id
from techspec_project.admin_tables import BigTableAdmin, ExactIdSearchMixin, ReadOnlyAdminMixin

# Roles and message types as badges; colours from the session palette's families.
ROLE_COLOURS = {"agent": "#2563eb", "user": "#7c3aed", "system": "#6b7280"}


class SessionLinkMixin(DisplayMediaMixin):
    """Columns every child list shares: its own id, its session's id, its creation date."""


    @admin.display(description="session")
    def session_link(self, obj):
        return short_id(obj.session_id, url=reverse("admin:sessions_app_techspecsession_change",
                                                    args=[obj.session_id]))

    @admin.display(description="id", ordering="id")
    def row_id(self, obj):
        return short_id(obj.pk)

    @admin.display(description="created", ordering="created_at")
    def created(self, obj):
        return date_html(obj.created_at, relative=True)


@admin.register(TechResearch)
class TechResearchAdmin(ReadOnlyAdminMixin, SessionLinkMixin, ExactIdSearchMixin, BigTableAdmin):
    """Research items and their decisions (recorded by the agent through decisions_record)."""

    list_display = ("row_id", "technology_category", "decision", "decided", "session_link", "created")
    list_filter = (
        "is_custom_selection",
        ("created_at", DateRangeFilter),
        ("decision_timestamp", DateRangeFilter.titled("decided")),
    )
    sortable_by = ("row_id", "created")

    @admin.display(description="decision")
    def decision(self, obj):
        # A red "no" icon on every row read as an error; only a custom choice needs a mark.
        if not obj.selected_technology:
            return format_html('<span class="ts-muted">{}</span>', "undecided")
        if obj.is_custom_selection:
            return format_html('{} <span class="ts-badge" style="background-color:#b45309" '
                               'title="outside the researched options">custom</span>', obj.selected_technology)
        return obj.selected_technology

    @admin.display(description="decided", ordering="decision_timestamp")
    def decided(self, obj):
        return date_html(obj.decision_timestamp, relative=True)
    search_id_fields = ("pk", "session_id")
    search_help_text = "Search by an exact research id or session id (UUID)."
    ordering = ("-created_at", "-id")
    exclude = ("session",)
    readonly_fields = ("session_link",)


@admin.register(TechConversation)
class TechConversationAdmin(ReadOnlyAdminMixin, SessionLinkMixin, ExactIdSearchMixin, BigTableAdmin):
    """Conversation messages; open one session's full history with ?session=<id>."""

    list_display = ("row_id", "sent", "role_badge", "message_type", "message_excerpt", "session_link")
    list_display_links = ("row_id",)
    list_filter = ("role", "message_type", ("timestamp", DateRangeFilter.titled("sent")))
    sortable_by = ("sent",)
    search_id_fields = ("pk", "session_id")
    search_help_text = "Search by an exact message id or session id (UUID)."
    ordering = ("-timestamp", "-id")
    exclude = ("session", "research")
    readonly_fields = ("session_link",)

    def get_queryset(self, request):
        return super().get_queryset(request).defer("metadata")

    @admin.display(description="message")
    def message_excerpt(self, obj):
        return format_html('<span class="ts-excerpt">{}</span>', excerpt(obj.message, 120))

    @admin.display(description="sent", ordering="timestamp")
    def sent(self, obj):
        return date_html(obj.timestamp, relative=True)

    @admin.display(description="role", ordering="role")
    def role_badge(self, obj):
        return badge(obj.role, obj.get_role_display(), ROLE_COLOURS)

