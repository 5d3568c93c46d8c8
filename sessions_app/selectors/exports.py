"""Rows of a filtered admin list for CSV export: newest first, in keyset batches, bounded.

OFFSET pages would re-read every earlier row per batch; a keyset on
(created_at, id) walks the created_at index once, so a 100,000-row export costs
100,000 index entries and memory for one batch at a time. PostgreSQL writes ids
and timestamps as text itself: turning 100,000 rows of them into Python UUIDs and
datetimes only to print them again took most of an export's time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.db import models
from django.db.models import F, Func, Q, QuerySet, Value
from django.db.models.functions import Cast

EXPORT_MAX_ROWS = 100_000
EXPORT_BATCH = 2_000


def _as_text(model: type[models.Model], name: str) -> F | Func:
    """`name` as PostgreSQL's text: ISO 8601 UTC for timestamps, the canonical form for UUIDs."""
    field = model._meta.get_field(name)
    if isinstance(field, models.DateTimeField):
        utc = Func(Value("UTC"), F(name), function="timezone", output_field=models.DateTimeField())
        return Func(utc, Value('YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), function="to_char", output_field=models.TextField())
    if isinstance(field, models.UUIDField | models.ForeignKey):
        return Cast(F(field.attname), models.TextField())
    return F(name)


def export_rows(queryset: QuerySet[Any], *, columns: Sequence[str], limit: int = EXPORT_MAX_ROWS,
                batch: int = EXPORT_BATCH) -> Iterator[tuple[Any, ...] | None]:
    """Yield up to `limit` value tuples of `columns` (plus one sentinel None if more rows match).

    `queryset` must be filtered only (its order is replaced by -created_at, -id).
    Ids and timestamps come as text. The caller learns that the bound cut the
    export when the last item is None.
    """
    model = queryset.model
    width = len(columns)
    texts = {f"_csv_{i}": _as_text(model, name) for i, name in enumerate(columns)}
    base: QuerySet[Any, tuple[Any, ...]] = (
        queryset.order_by("-created_at", "-pk")
        .annotate(**texts)
        .values_list(*texts, "created_at", "pk")
    )

    def after(cursor: tuple[Any, ...] | None) -> QuerySet[Any, tuple[Any, ...]]:
        if cursor is None:
            return base
        created, pk = cursor
        # created_at <= c is the index's range; the OR breaks ties inside it.
        return base.filter(Q(created_at__lte=created) & (Q(created_at__lt=created) | Q(pk__lt=pk)))

    cursor: tuple[Any, ...] | None = None
    remaining = limit
    while True:
        size = min(batch, remaining + 1)  # one more than the bound tells whether rows were left out
        rows = list(after(cursor)[:size])
        taken = rows[:remaining]
        for row in taken:
            yield row[:width]
        remaining -= len(taken)
        if len(rows) > len(taken):
            yield None
            return
        if len(rows) < size:
            return
        cursor = rows[-1][width:]
        if remaining == 0:
            if after(cursor).exists():
                yield None
            return
