"""Pieces every techspec admin shares: estimated counts, exact-id search, bounded filters, links."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html

from sessions_app.selectors.admin import EXACT_COUNT_BELOW, estimated_row_count, recent_distinct_values
from techspec_project import pg_values
from techspec_project.uuids import lenient_uuid


class EstimatedCountPaginator(Paginator):
    """A paginator that asks PostgreSQL's statistics for the count instead of running COUNT(*).

    COUNT(*) over a million sessions reads the whole table on every changelist
    view; the estimate costs one catalog lookup (or one EXPLAIN when filtered).
    Small results are still counted exactly, so short lists show true numbers.
    """

    exact_below = EXACT_COUNT_BELOW

    @cached_property
    def count(self) -> int:
        estimate = estimated_row_count(self.object_list)
        if estimate < self.exact_below:
            return self.object_list.count()
        return estimate


class IndexedSortChangeList(ChangeList):
    """Honours sortable_by for a hand-made ?o= as well: Django applies it only when drawing
    the column headers, and any other column would sort the whole table.

    Filter values PostgreSQL would refuse (a NUL, a timestamp's UTC offset beyond ±15:59) are
    Django's "invalid lookup" (the list again with ?e=1), not a DataError in the query."""

    def get_queryset(self, request, exclude_parameters=None):
        for values in self.params.values():
            for value in values if isinstance(values, list) else [values]:
                try:
                    pg_values.check_query_text(value)
                except pg_values.Unstorable as exc:
                    raise IncorrectLookupParameters(str(exc)) from None
        return super().get_queryset(request, exclude_parameters)

    def get_ordering_field(self, field_name):
        if self.sortable_by is not None and field_name not in self.sortable_by:
            return None
        return super().get_ordering_field(field_name)


class BigTableAdmin(admin.ModelAdmin):
    """Changelist settings for tables that grow to millions of rows: no full counts, no facets."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50

    def get_changelist(self, request, **kwargs):
        return IndexedSortChangeList


class ExactIdSearchMixin:
    """Search by one exact UUID, compared for equality on indexed columns (never ILIKE '%...%')."""

    # Lookups compared with the searched UUID, OR-ed together.
    search_id_fields: tuple[str, ...] = ("pk",)
    # Non-empty so the admin shows the search box; get_search_results does the work.
    search_fields = ("=id",)
    search_help_text = "Search by an exact id (UUID)."

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        value = lenient_uuid(term)
        if value is None:
            messages.warning(request, f"{term!r} is not an id: search takes one exact UUID.")
            return queryset.none(), False
        condition = Q()
        for lookup in self.search_id_fields:
            condition |= Q(**{lookup: value})
        return queryset.filter(condition), False


def recent_values_filter(field: str, title: str, *, window: int = 10_000) -> type[admin.SimpleListFilter]:
    """A list filter on `field` whose choices come from the newest `window` rows (see recent_distinct_values)."""

    class RecentValuesFilter(admin.SimpleListFilter):
        parameter_name = field

        def lookups(self, request, model_admin):
            values = recent_distinct_values(model_admin.model, field, window=window)
            current = self.value()
            if current and current not in values:
                values = sorted([*values, current])
            return [(value, value) for value in values]

        def queryset(self, request, queryset):
            value = self.value()
            return queryset.filter(**{field: value}) if value else queryset

    RecentValuesFilter.title = title
    RecentValuesFilter.__name__ = f"Recent{field.title().replace('_', '')}Filter"
    return RecentValuesFilter


class ReadOnlyAdminMixin:
    """Staff may look but not add, change or delete (another service, or the agent, owns the rows)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def admin_link(model, pk, text=None) -> str:
    """A link to the admin change page of `model` row `pk`, without loading the row."""
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])
    return format_html('<a href="{}">{}</a>', url, text if text is not None else pk)


def changelist_url(model, **params) -> str:
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    if not params:
        return url
    return f"{url}?{urlencode(params)}"


def excerpt(text: str, length: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def when(moment) -> str:
    """A timestamp as staff read it: local time to the second, or a dash."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else "—"
