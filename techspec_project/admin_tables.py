"""Admin plumbing for tables that grow to millions of rows: estimated counts, indexed sorts,
exact-id search, read-only admins.

Neutral on purpose: both the sessions_app and design_bridge admins build on it, and
design_bridge must not import sessions_app (README "Layout"; tests/tooling/test_layering.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Model, Q, QuerySet
from django.db.models.expressions import Combinable
from django.http import HttpRequest
from django.utils.functional import cached_property

from techspec_project import pg_values
from techspec_project.uuids import lenient_uuid

_ModelT = TypeVar("_ModelT", bound=Model)

# Below this many (estimated) rows an exact COUNT(*) is cheap enough to run.
EXACT_COUNT_BELOW = 10_000


def _plan_estimate(queryset: QuerySet[Any]) -> int:
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def estimated_row_count(queryset: QuerySet[Any]) -> int:
    """PostgreSQL's estimate of how many rows `queryset` returns, without counting them (one query).

    Always the planner's row estimate from EXPLAIN: for an unfiltered list it is
    the table's statistics (reltuples scaled to the table's current size), and it
    also works for filtered lists and tables never analyzed. Always one query, so
    a page's query count does not depend on whether autovacuum has run yet.
    """
    if queryset.query.is_empty():
        return 0
    try:
        return _plan_estimate(queryset)
    except EmptyResultSet:  # a filter no row can match (an integer beyond its column): no SQL to explain
        return 0


class EstimatedCountPaginator(Paginator):
    """A paginator that asks PostgreSQL's statistics for the count instead of running COUNT(*).

    COUNT(*) over a million sessions reads the whole table on every changelist
    view; the estimate costs one catalog lookup (or one EXPLAIN when filtered).
    Small results are still counted exactly, so short lists show true numbers.
    """

    # Only ever a changelist's queryset (ModelAdmin.get_paginator), never a list: it is EXPLAINed.
    object_list: QuerySet[Any]

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

    def get_queryset(self, request: HttpRequest, exclude_parameters: list[str | None] | None = None) -> QuerySet[Any]:
        for values in self.params.values():
            for value in values if isinstance(values, list) else [values]:
                try:
                    pg_values.check_query_text(value)
                except pg_values.Unstorable as exc:
                    raise IncorrectLookupParameters(str(exc)) from None
        return super().get_queryset(request, exclude_parameters)

    def get_ordering_field(self, field_name: Callable[..., Any] | str) -> str | Combinable | None:
        if self.sortable_by is not None and field_name not in self.sortable_by:
            return None
        return super().get_ordering_field(field_name)


class BigTableAdmin(admin.ModelAdmin):
    """Changelist settings for tables that grow to millions of rows: no full counts, no facets."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return IndexedSortChangeList


# A mixin that is only ever mixed into a ModelAdmin is one to mypy, so its self.model, self.admin_site
# and super().get_urls() are checked against Django's. At run time it stays a plain class, out of the
# ModelAdmin class tree: ModelAdmin's metaclass would give every mixin a media property of its own.
if TYPE_CHECKING:
    ModelAdminMixin = admin.ModelAdmin
else:
    class ModelAdminMixin(Generic[_ModelT]):
        """Base of the admin mixins; ModelAdminMixin[Model] to mypy is ModelAdmin[Model]."""


class ExactIdSearchMixin(ModelAdminMixin[Any]):
    """Search by one exact UUID, compared for equality on indexed columns (never ILIKE '%...%')."""

    # Lookups compared with the searched UUID, OR-ed together.
    search_id_fields: ClassVar[tuple[str, ...]] = ("pk",)
    # Non-empty so the admin shows the search box; get_search_results does the work.
    search_fields = ("=id",)
    search_help_text = "Search by an exact id (UUID)."

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str,
    ) -> tuple[QuerySet[Any], bool]:
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


class ReadOnlyAdminMixin:
    """Staff may look but not add, change or delete (another service, or the agent, owns the rows)."""

    # obj: a ModelAdmin passes the row (or nothing), an inline its parent row.
    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
