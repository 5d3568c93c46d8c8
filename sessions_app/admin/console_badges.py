"""Badges by meaning (session status, stage, error state) on admin_display's one badge; short relative times."""

from __future__ import annotations

from django.utils import timezone

from sessions_app.admin.palette import ERROR_COLOURS, STAGE_COLOURS, STATUS_COLOURS
from sessions_app.choices import SessionStage, SessionStatus
from techspec_project.admin_display import badge


def status_badge(value: str) -> str:
    """A session status as a coloured pill with its human label."""
    label = SessionStatus(value).label if value in SessionStatus.values else value
    return badge(value, label, STATUS_COLOURS)


def stage_badge(value: str) -> str:
    label = SessionStage(value).label if value in SessionStage.values else value
    return badge(value, label, STAGE_COLOURS)


def error_state_badge(recovered: bool) -> str:
    state = "recovered" if recovered else "open"
    return badge(state, state, ERROR_COLOURS)


def ago(moment, now=None) -> str:
    """A short relative time with its largest unit only ("4 min ago", "3 days ago", "8 months ago")."""
    if moment is None:
        return "—"
    seconds = max(0, ((now or timezone.now()) - moment).total_seconds())
    for limit, size, unit in ((60, 1, "s"), (3600, 60, "min"), (86400, 3600, "h"), (86400 * 60, 86400, "day"),
                              (86400 * 730, 86400 * 30.44, "month")):
        if seconds < limit:
            n = int(seconds // size)
            return f"{n} {unit}{'s' if n != 1 and unit in ('day', 'month') else ''} ago"
    return f"{seconds / (86400 * 365.25):.1f} years ago"
