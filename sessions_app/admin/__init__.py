"""Django admin for staff: sessions, their children, and the agent's error triage.

Importing the modules registers their ModelAdmins with the default site.
"""

from sessions_app.admin import children, errors, sessions, trd

__all__ = ["children", "errors", "sessions", "trd"]
