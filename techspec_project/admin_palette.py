"""One colour per session status, design job status and error state, the same on every admin page.

Neutral, beside admin_display: the sessions and design_bridge admins both colour by it.
Colour carries meaning only where it is consistent (docs/STYLE: Sentry, GitHub):
grey for not started, blue for running, amber for "a person must act", green for
done, red for broken, dark grey for stopped on purpose.
"""

STATUS_COLOURS: dict[str, str] = {
    "pending": "#6b7280",
    "in_progress": "#2563eb",
    "waiting_user": "#b45309",
    "completed": "#15803d",
    "failed": "#b91c1c",
    "cancelled": "#374151",
}

# A design job's statuses in the session palette's colours ("running" is a session in progress).
JOB_STATUS_COLOURS: dict[str, str] = {**STATUS_COLOURS, "running": STATUS_COLOURS["in_progress"]}

# Stages are steps of one pipeline, not health: one hue, darker as the session advances.
STAGE_COLOURS: dict[str, str] = {
    "initialization": "#818cf8",
    "analysis": "#6f7cf4",
    "research": "#6366f1",
    "decisions": "#5b5ce6",
    "code_analysis": "#4f46e5",
    "generation": "#4338ca",
    "validation": "#3730a3",
    "completed": "#312e81",
}

ERROR_COLOURS: dict[str, str] = {
    "open": "#b91c1c",
    "recovered": "#15803d",
}
