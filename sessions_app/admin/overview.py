"""The staff overview: what is running, what is stuck, what is failing, drawn as server-side SVG charts."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import reverse

from sessions_app.admin import charts
from sessions_app.admin.common import changelist_url
from sessions_app.admin.console_badges import stage_badge, status_badge
from sessions_app.choices import SessionStage, SessionStatus
from sessions_app.models import AgentErrorLog
from sessions_app.selectors.overview import STUCK_COUNT_CAP, session_overview
from techspec_project.admin_display import ago
from techspec_project.admin_palette import STAGE_COLOURS, STATUS_COLOURS

WINDOWS = (7, 30, 90, 365)
DEFAULT_WINDOW = 30
STARTED_COLOUR = "#2563eb"
COMPLETED_COLOUR = STATUS_COLOURS["completed"]
ERROR_COLOUR = "#b91c1c"


def duration(seconds: float | None) -> str:
    """A duration as staff read it: "≈ 3 h 20 min" (the figures come from buckets about 19% wide)."""
    if seconds is None:
        return "—"
    minutes = round(seconds / 60)
    if minutes < 1:
        return f"≈ {round(seconds)} s"
    if minutes < 60:
        return f"≈ {minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"≈ {hours} h {minutes} min" if minutes else f"≈ {hours} h"
    return f"≈ {hours / 24:.1f} days"


def _weeks(values: list[int]) -> list[int]:
    """Per-day values summed per 7 days, from the window's first day."""
    return [sum(values[i:i + 7]) for i in range(0, len(values), 7)]


def _window(request) -> int:
    try:
        days = int(request.GET.get("days", DEFAULT_WINDOW))
    except ValueError:
        return DEFAULT_WINDOW
    return days if days in WINDOWS else DEFAULT_WINDOW


def overview_view(request):
    """/admin/overview/: sessions by status and stage, per-day starts and completions, funnel, durations,
    TRD quality, stuck sessions and errors per node (six queries whatever the data size)."""
    days = _window(request)
    stuck_after = timedelta(minutes=settings.STUCK_SESSION_MINUTES)
    data = session_overview(days=days, stuck_after=stuck_after)
    # Past 90 days a column or dot per day is thinner than a pixel: draw weeks instead.
    weekly = len(data.days) > 90
    periods, started, completed = data.days, data.started, data.completed
    node_values = data.errors_by_node
    if weekly:
        periods, started, completed = data.days[::7], _weeks(data.started), _weeks(data.completed)
        node_values = {node: _weeks(values) for node, values in node_values.items()}
    period_labels = [f"week of {day:%a %b %-d}" if weekly else f"{day:%a %b %-d}" for day in periods]
    status_rows = [(s.label, data.by_status.get(s.value, 0), STATUS_COLOURS[s.value]) for s in SessionStatus]
    stage_rows = [(s.label, data.by_stage.get(s.value, 0), STAGE_COLOURS[s.value]) for s in SessionStage]
    funnel_rows = [(SessionStage(stage).label, n, STAGE_COLOURS[stage]) for stage, n in data.funnel]
    quality_rows = [(label, n, "#0f766e") for label, n in data.trd_quality]
    stuck = [
        {
            "session": session,
            "url": reverse("admin:sessions_app_techspecsession_change", args=[session.pk]),
            "status": status_badge(session.status),
            "stage": stage_badge(session.current_stage),
            "idle": ago(session.updated_at),
        }
        for session in data.stuck
    ]
    node_charts = [
        {
            "node": node,
            "total": f"{sum(values):,}",
            "chart": charts.sparkline(values, period_labels, colour=ERROR_COLOUR, width=300, height=36),
            "url": changelist_url(AgentErrorLog, node=node),
        }
        for node, values in node_values.items()
    ]
    context = {
        **admin.site.each_context(request),
        "title": "Overview",
        "data": data,
        "days": days,
        "windows": WINDOWS,
        "started_total": f"{sum(data.started):,}",
        "completed_total": f"{sum(data.completed):,}",
        "completions": f"{data.completions:,}",
        "per_day_chart": charts.day_lines(periods, [
            ("started", STARTED_COLOUR, started), ("completed", COMPLETED_COLOUR, completed),
        ], period="week" if weekly else "day"),
        "period": "week" if weekly else "day",
        "started_colour": STARTED_COLOUR,
        "completed_colour": COMPLETED_COLOUR,
        "status_chart": charts.bar_rows(status_rows, caption="Sessions by status"),
        "stage_chart": charts.bar_rows(stage_rows, caption="Sessions by stage"),
        "funnel_chart": charts.bar_rows(funnel_rows, caption="Stage funnel"),
        "quality_chart": charts.bar_rows(quality_rows, label_width=90, caption="TRD quality scores"),
        "quality_total": sum(n for _, n in data.trd_quality),
        "quality_total_text": f"{sum(n for _, n in data.trd_quality):,}",
        "median": duration(data.median_seconds),
        "p90": duration(data.p90_seconds),
        "stuck": stuck,
        "stuck_count": f"{STUCK_COUNT_CAP:,}+" if data.stuck_count > STUCK_COUNT_CAP else f"{data.stuck_count:,}",
        "stuck_minutes": settings.STUCK_SESSION_MINUTES,
        "node_charts": node_charts,
        "groups_url": reverse("admin:sessions_app_agenterrorlog_groups"),
        "sessions_url": reverse("admin:sessions_app_techspecsession_changelist"),
    }
    return TemplateResponse(request, "admin/overview.html", context)
