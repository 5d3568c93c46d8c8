"""Django admin for staff: sessions, their children, and the agent's error triage.

Importing the modules registers their ModelAdmins with the default site.
"""

from django.contrib import admin

from sessions_app.admin import children, errors, sessions, trd
from sessions_app.admin.site_links import add_database_health_link

# The app list beside every page took 300 of a 1400-pixel screen from the lists staff read;
# the breadcrumbs and the index page lead to every list as well.
admin.site.enable_nav_sidebar = False
add_database_health_link(admin.site)

__all__ = ["children", "errors", "sessions", "trd"]

# The index opens with links to the overview and error triage (django.contrib.admin's own
# admin/index.html comes first in the template search, so it is extended under another name).
admin.site.index_template = "admin/console_index.html"
