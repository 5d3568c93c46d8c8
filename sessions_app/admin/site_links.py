"""Pages that are not a model's, listed on the admin index like one (superusers only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse


def _database_app(request: HttpRequest) -> dict[str, Any]:
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

    def get_app_list(request: HttpRequest, app_label: str | None = None) -> list[Any]:
        apps = original(request, app_label)
        if app_label is None and request.user.is_active and request.user.is_superuser:
            apps = [*apps, _database_app(request)]
        return apps

    site.get_app_list = get_app_list  # type: ignore[method-assign]  # this one site's method, wrapped on purpose
