"""Badges by meaning (session status, stage, error state) on admin_display's one badge."""

from __future__ import annotations

from django.utils.safestring import SafeString

from sessions_app.choices import SessionStage, SessionStatus
from techspec_project.admin_display import badge
from techspec_project.admin_palette import ERROR_COLOURS, STAGE_COLOURS, STATUS_COLOURS


def status_badge(value: str) -> SafeString:
    """A session status as a coloured pill with its human label."""
    label = SessionStatus(value).label if value in SessionStatus.values else value
    return badge(value, label, STATUS_COLOURS)


def stage_badge(value: str) -> SafeString:
    label = SessionStage(value).label if value in SessionStage.values else value
    return badge(value, label, STAGE_COLOURS)


def error_state_badge(recovered: bool) -> SafeString:
    state = "recovered" if recovered else "open"
    return badge(state, state, ERROR_COLOURS)
