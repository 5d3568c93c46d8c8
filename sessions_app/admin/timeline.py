"""The session page's timeline: one chronological view of everything that happened, filterable by kind."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from sessions_app.errors import InvalidCursor
from sessions_app.models import TechSpecSession
from sessions_app.selectors.timeline import KIND_LABELS, KINDS, TimelineEntry, session_timeline
from techspec_project.admin_display import badge, date_html
from techspec_project.admin_palette import ERROR_COLOURS, STATUS_COLOURS
from techspec_project.admin_tables import ModelAdminMixin

# How much of a text the timeline shows before "show all".
EXCERPT_CHARS = 600
KIND_COLOURS = {
    "message": "#0369a1", "research": "#7c3aed", "decision": "#b45309", "state": "#374151",
    "trd": "#15803d", "error": "#b91c1c",
}
LABEL_COLOURS = {**ERROR_COLOURS, **STATUS_COLOURS, "agent": "#0369a1", "user": "#7c3aed", "system": "#6b7280"}
# The badges' colours and words for entries the live script (session_events.js) adds.
LIVE_PALETTE = json.dumps({
    "kind": KIND_COLOURS, "label": LABEL_COLOURS,
    "kind_labels": {kind: KIND_LABELS[kind].rstrip("s") for kind in KINDS},
})


def _body_html(text: str) -> SafeString | str:
    """Untrusted text (written by the agent): escaped by format_html, cut with the rest behind <details>."""
    if not text:
        return ""
    if len(text) <= EXCERPT_CHARS:
        return format_html('<div class="ts-tl-body">{}</div>', text)
    return format_html(
        '<div class="ts-tl-body">{}…</div><details class="ts-tl-more"><summary>Show all ({} characters)</summary>'
        '<div class="ts-tl-body">{}</div></details>', text[:EXCERPT_CHARS], len(text), text,
    )


def _entry_view(entry: TimelineEntry) -> dict[str, Any]:
    title = entry.title.capitalize() if entry.kind == "message" else entry.title  # a message's title is its role
    label = entry.label
    return {
        "entry": entry,
        "kind_badge": badge(entry.kind, KIND_LABELS[entry.kind].rstrip("s"), KIND_COLOURS),
        "when": date_html(entry.at, relative=True),
        "title": title,
        "label": badge(label, label.replace("_", " "), LABEL_COLOURS) if label else "",
        "body": _body_html(entry.body),
    }


class SessionTimelineMixin(ModelAdminMixin[TechSpecSession]):
    """Adds `timeline` to the session change page's context (?kind=…&before=<cursor>)."""

    change_form_template = "admin/sessions_app/techspecsession/change_form.html"

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        context = dict(extra_context or {})
        if object_id:
            context["timeline"] = self._timeline(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context=context)

    def _timeline(self, request: HttpRequest, object_id: str) -> dict[str, Any] | None:
        try:
            session_id = self.model._meta.pk.to_python(object_id)
        except Exception:  # a malformed id: the change view answers it (a redirect with a message)
            return None
        chosen = [kind for kind in request.GET.getlist("kind") if kind in KINDS] or list(KINDS)
        before = request.GET.get("before") or None
        try:
            page = session_timeline(session_id=session_id, kinds=chosen, before=before)
        except InvalidCursor:
            messages.warning(request, "That timeline page link is not valid any more; showing the newest entries.")
            before = None
            page = session_timeline(session_id=session_id, kinds=chosen)
        all_kinds = len(chosen) == len(KINDS)
        kind_query = [] if all_kinds else [("kind", kind) for kind in chosen]
        return {
            "entries": [_entry_view(entry) for entry in page.entries],
            "kinds": [
                {"key": "all", "label": "Everything", "current": all_kinds, "url": "?#session-timeline"},
                *({"key": kind, "label": KIND_LABELS[kind], "current": chosen == [kind],
                   "url": "?" + urlencode({"kind": kind}) + "#session-timeline"} for kind in KINDS),
            ],
            "filtered": not all_kinds,
            "shown_kinds": " ".join(chosen),
            "events_cursor": page.events_cursor,
            "live_palette": LIVE_PALETTE,
            "is_first_page": before is None,
            "newest_url": "?" + urlencode(kind_query) + "#session-timeline",
            "older_url": ("?" + urlencode([*kind_query, ("before", page.next_cursor)]) + "#session-timeline")
            if page.next_cursor else None,
        }
