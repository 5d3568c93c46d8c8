"""Pieces the sessions admins share: bounded filters and links.

The big-table plumbing (estimated counts, exact-id search) is in techspec_project.admin_tables.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from sessions_app.selectors.admin import recent_distinct_values


def recent_values_filter(field: str, title: str, *, window: int = 10_000) -> type[admin.SimpleListFilter]:
    """A list filter on `field` whose choices come from the newest `window` rows (see recent_distinct_values)."""

    class RecentValuesFilter(admin.SimpleListFilter):
        parameter_name = field

        def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]) -> list[tuple[str, str]]:
            values = recent_distinct_values(model_admin.model, field, window=window)
            current = self.value()
            if current and current not in values:
                values = sorted([*values, current])
            return [(value, value) for value in values]

        def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
            value = self.value()
            return queryset.filter(**{field: value}) if value else queryset

    RecentValuesFilter.title = title
    RecentValuesFilter.__name__ = f"Recent{field.title().replace('_', '')}Filter"
    return RecentValuesFilter


def admin_link(model: type[Model], pk: object, text: object = None) -> SafeString:
    """A link to the admin change page of `model` row `pk`, without loading the row."""
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])
    return format_html('<a href="{}">{}</a>', url, text if text is not None else pk)


def changelist_url(model: type[Model], **params: object) -> str:
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    if not params:
        return url
    return f"{url}?{urlencode(params)}"
