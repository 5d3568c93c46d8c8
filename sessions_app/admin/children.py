"""Read-only admins of a session's children: research and conversation messages (TRD versions: admin/trd.py)."""

from __future__ import annotations

from django.contrib import admin

from sessions_app.admin.common import BigTableAdmin, ExactIdSearchMixin, ReadOnlyAdminMixin, admin_link, excerpt
from sessions_app.models import TechConversation, TechResearch, TechSpecSession


class SessionLinkMixin:
    @admin.display(description="session")
    def session_link(self, obj):
        return admin_link(TechSpecSession, obj.session_id, str(obj.session_id)[:8])


@admin.register(TechResearch)
class TechResearchAdmin(ReadOnlyAdminMixin, SessionLinkMixin, ExactIdSearchMixin, BigTableAdmin):
    """Research items and their decisions (recorded by the agent through decision_record)."""

    list_display = ("technology_category", "selected_technology", "is_custom_selection", "decision_timestamp",
                    "session_link", "created_at")
    list_filter = ("is_custom_selection", "decision_timestamp")
    search_id_fields = ("pk", "session_id")
    search_help_text = "Search by an exact research id or session id (UUID)."
    ordering = ("-created_at", "-id")
    exclude = ("session",)
    readonly_fields = ("session_link",)


@admin.register(TechConversation)
class TechConversationAdmin(ReadOnlyAdminMixin, SessionLinkMixin, ExactIdSearchMixin, BigTableAdmin):
    """Conversation messages; open one session's full history with ?session=<id>."""

    list_display = ("timestamp", "role", "message_type", "message_excerpt", "session_link")
    list_filter = ("role", "message_type")
    sortable_by = ("timestamp",)
    search_id_fields = ("pk", "session_id")
    search_help_text = "Search by an exact message id or session id (UUID)."
    ordering = ("-timestamp", "-id")
    exclude = ("session", "research")
    readonly_fields = ("session_link",)

    def get_queryset(self, request):
        return super().get_queryset(request).defer("metadata")

    @admin.display(description="message")
    def message_excerpt(self, obj):
        return excerpt(obj.message, 120)
