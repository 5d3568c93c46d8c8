"""Pages that are not a model's, listed on the admin index like one (superusers only)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse


def _database_app(request) -> dict:
    url = reverse("techspec-db-health")
    return {
        "name": "Database",
        "app_label": "techspec_database",
        "app_url": url,
        "has_module_perms": True,
        "models": [{
            "name": "Database health", "object_name": "DatabaseHealth", "admin_url": url, "add_url": None,
            "view_only": True, "perms": {"add": False, "change": False, "delete": False, "view": True},
        }],
    }


def add_database_health_link(site: admin.AdminSite) -> None:
    """The index and app list get a "Database › Database health" entry for superusers.

    Wraps the site's get_app_list (the hook Django documents for reordering the index)
    rather than replacing admin/index.html, which the overview owns.
    """
    original = site.get_app_list

    def get_app_list(request, app_label=None):
        apps = original(request, app_label)
        if app_label is None and request.user.is_active and request.user.is_superuser:
            apps = [*apps, _database_app(request)]
        return apps

    site.get_app_list = get_app_list
