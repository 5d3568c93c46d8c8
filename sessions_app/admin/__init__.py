"""Django admin for staff: sessions, their children, and the agent's error triage.

Importing the modules registers their ModelAdmins with the default site.
"""

from django.contrib import admin

from sessions_app.admin import children, errors, sessions

__all__ = ["children", "errors", "sessions"]

# The index opens with links to the overview and error triage (django.contrib.admin's own
# admin/index.html comes first in the template search, so it is extended under another name).
admin.site.index_template = "admin/console_index.html"
