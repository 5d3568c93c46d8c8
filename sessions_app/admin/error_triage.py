"""The error admin's triage pages: groups with trends, recovering a whole group, and one error's page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from sessions_app.admin import charts
from sessions_app.admin.common import changelist_url
from sessions_app.models import AgentErrorLog
from sessions_app.selectors.error_triage import SORTS, error_group_open_count, error_triage
from sessions_app.services import error_group_set_recovered, errors_set_recovered
from techspec_project import pg_values
from techspec_project.admin_display import ago
from techspec_project.admin_palette import ERROR_COLOURS
from techspec_project.admin_tables import ModelAdminMixin
from techspec_project.errors import DomainError
from techspec_project.uuids import lenient_uuid

# The grouped view's windows (days; None is all time).
GROUP_WINDOWS = {"1": 1, "7": 7, "30": 30, "all": None}
DEFAULT_GROUP_WINDOW = "30"
SORT_LABELS = {"open": "open errors", "count": "events", "last_seen": "last seen", "trend": "trend"}


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def group_url(node: str, error_type: str) -> str:
    return reverse("admin:sessions_app_agenterrorlog_groups") + "?" + _query(node=node, error_type=error_type,
                                                                              window="all")


def _refused_name(*names: str | None) -> str | None:
    """Why PostgreSQL would refuse a hand-made group name (a NUL character), or None; such a
    name matches no error, and in a query it is a DataError, not an empty group."""
    for name in names:
        if name is not None:
            try:
                pg_values.check_text(name)
            except pg_values.Unstorable as exc:
                return f"No such group: {exc}"
    return None


def _query(**params: object) -> str:
    return urlencode({k: v for k, v in params.items() if v is not None})


class ErrorTriageMixin(ModelAdminMixin[AgentErrorLog]):
    """Adds groups/, groups/set-recovered/ and <id>/set-recovered/ to the error admin."""

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("groups/", view(self.groups_view), name="sessions_app_agenterrorlog_groups"),
            path("groups/set-recovered/", view(self.group_recovered_view),
                 name="sessions_app_agenterrorlog_group_recovered"),
            path("<path:object_id>/set-recovered/", view(self.error_recovered_view),
                 name="sessions_app_agenterrorlog_set_recovered"),
            *super().get_urls(),
        ]

    def groups_view(self, request: HttpRequest) -> HttpResponse:
        """One row per (node, error type): events, open, first/last seen, 24-hour and 14-day trends; sortable."""
        window = request.GET.get("window", DEFAULT_GROUP_WINDOW)
        window = window if window in GROUP_WINDOWS else DEFAULT_GROUP_WINDOW
        sort = request.GET.get("sort", "open")
        sort = sort if sort in SORTS else "open"
        node, error_type = request.GET.get("node"), request.GET.get("error_type")
        if refused := _refused_name(node, error_type):
            messages.error(request, refused)
            return HttpResponseRedirect(reverse("admin:sessions_app_agenterrorlog_groups"))
        single = node is not None and error_type is not None
        triage = error_triage(window_days=GROUP_WINDOWS[window], sort=sort,
                              node=node if single else None, error_type=error_type if single else None)
        can_change = self.has_change_permission(request)
        rows: list[dict[str, Any]] = []
        for group in triage.groups:
            params = {"node": group.node, "error_type": group.error_type}
            rows.append({
                "group": group,
                "all_url": changelist_url(AgentErrorLog, **params),
                "open_url": changelist_url(AgentErrorLog, recovered__exact=0, **params),
                "group_url": group_url(group.node, group.error_type),
                "recover_url": (reverse("admin:sessions_app_agenterrorlog_group_recovered") + "?"
                                + _query(recovered=1, **params)) if can_change and group.open else None,
                "reopen_url": (reverse("admin:sessions_app_agenterrorlog_group_recovered") + "?"
                               + _query(recovered=0, **params)) if can_change and group.open < group.total else None,
                "events": f"{group.in_window:,}",
                "total": f"{group.total:,}",
                "open": f"{group.open:,}",
                "first_seen": ago(group.first_seen),
                "last_seen": ago(group.last_seen),
                "hours": charts.sparkline(group.hours, triage.hour_labels, colour=ERROR_COLOURS["open"], width=72),
                "days": charts.sparkline(group.days, triage.day_labels, colour=ERROR_COLOURS["open"], width=98),
            })
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Errors of {node} · {error_type}" if single else "Agent errors by node and type",
            "rows": rows,
            "triage": triage,
            "windows": [(key, "all time" if days is None else f"last {_plural(days, 'day')}")
                        for key, days in GROUP_WINDOWS.items()],
            "window": "all" if triage.fell_back else window,
            "requested_window": window,
            "sorts": list(SORT_LABELS.items()),
            "sort": sort,
            "single": single,
            "query_window": window,
            "older": f"{triage.older:,}" if triage.older else "",
            "changelist_url": reverse("admin:sessions_app_agenterrorlog_changelist"),
            "groups_url": reverse("admin:sessions_app_agenterrorlog_groups"),
        }
        return TemplateResponse(request, "admin/sessions_app/agenterrorlog/groups.html", context)

    def group_recovered_view(self, request: HttpRequest) -> HttpResponse:
        """Confirm (GET), then mark a whole group recovered or reopen it (POST) through the service."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else request.GET
        node, error_type = data.get("node", ""), data.get("error_type", "")
        recovered = data.get("recovered") == "1"
        if not node or not error_type:
            messages.error(request, "Choose a group: node and error_type are both required.")
            return HttpResponseRedirect(reverse("admin:sessions_app_agenterrorlog_groups"))
        if refused := _refused_name(node, error_type):
            messages.error(request, refused)
            return HttpResponseRedirect(reverse("admin:sessions_app_agenterrorlog_groups"))
        verb = "mark recovered" if recovered else "reopen"
        if request.method == "POST":
            try:
                changed = error_group_set_recovered(node=node, error_type=error_type, recovered=recovered)
            except DomainError as exc:  # a hand-made request: a name longer than the column
                messages.error(request, exc.message)
                return HttpResponseRedirect(reverse("admin:sessions_app_agenterrorlog_groups"))
            state = "recovered" if recovered else "reopened"
            messages.success(request, f"{_plural(changed, 'error')} of {node} · {error_type} {state}.")
            return HttpResponseRedirect(group_url(node, error_type))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": (f"Mark every open error of {node} · {error_type} recovered?" if recovered
                      else f"Reopen every recovered error of {node} · {error_type}?"),
            "node": node, "error_type": error_type, "recovered": "1" if recovered else "0",
            "count": error_group_open_count(node=node, error_type=error_type, recovered=recovered),
            "verb": verb,
            "cancel_url": group_url(node, error_type),
            "groups_url": reverse("admin:sessions_app_agenterrorlog_groups"),
        }
        return TemplateResponse(request, "admin/sessions_app/agenterrorlog/group_confirm.html", context)

    def error_recovered_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The error page's Recover / Reopen buttons (POST only, through errors_set_recovered)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        pk = lenient_uuid(object_id)
        if pk is None:
            raise Http404("No such error.")
        error = get_object_or_404(AgentErrorLog.objects.only("pk"), pk=pk)
        recovered = request.POST.get("recovered") == "1"
        changed = errors_set_recovered(error_ids=[error.pk], recovered=recovered)
        state = "recovered" if recovered else "reopened"
        if changed:
            messages.success(request, f"Error {state}.")
        else:
            messages.info(request, f"The error already was {state if recovered else 'open'}.")
        return HttpResponseRedirect(reverse("admin:sessions_app_agenterrorlog_change", args=[error.pk]))

    # --- the error's own page ---------------------------------------------------------

    def error_actions(self, request: HttpRequest, obj: AgentErrorLog) -> dict[str, str | None]:
        can_change = self.has_change_permission(request)
        return {
            "set_recovered_url": reverse("admin:sessions_app_agenterrorlog_set_recovered", args=[obj.pk])
            if can_change else None,
            "group_url": group_url(obj.node, obj.error_type),
            # Styled like the object-tools links beside it, in the colour of the state it leads to.
            "button_style": (
                "display:block;float:left;border:0;cursor:pointer;border-radius:15px;padding:3px 12px;"
                "font-size:0.6875rem;line-height:1.4;font-weight:400;font-family:inherit;text-transform:uppercase;letter-spacing:.5px;"
                "color:#fff;background:"
                + ERROR_COLOURS["open" if obj.recovered else "recovered"]
            ),
        }


def stack_trace_html(text: str) -> SafeString | str:
    if not text:
        return "—"
    return format_html('<pre class="stack-trace" style="font-family:var(--font-family-monospace,monospace);'
                       'white-space:pre;overflow-x:auto;max-width:1000px;background:#f6f8fa;padding:8px;'
                       'border:1px solid #e5e7eb;border-radius:4px;font-size:12px;line-height:1.45">{}</pre>', text)
