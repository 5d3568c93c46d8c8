"""Keyset (cursor) pagination: no COUNT(*) and no OFFSET over large tables.

Every list speaks the same rules: the page is {"next", "previous", "results"}; `?cursor=`
comes from a next/previous link; `?page_size=` is a whole number from 1 to 200 (default
50). A cursor this API did not issue is 400 `invalid_cursor`, a bad page size 400 `invalid`
naming `page_size`, on every list alike.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any
from urllib import parse

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination

from sessions_app.errors import InvalidCursor
from techspec_project import pg_values

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


class NewestFirstCursorPagination(CursorPagination):
    """Pages of 50 (up to 200 with ?page_size=), newest first."""

    page_size: int = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering: tuple[str, ...] = ("-created_at", "-id")
    _model: type[models.Model]

    # A cursor page filters a queryset (DRF's CursorPagination too); BasePagination's type also admits lists.
    def paginate_queryset(self, queryset: models.QuerySet[Any], request: Request,  # type: ignore[override]
                          view: APIView | None = None) -> list[Any] | None:
        self._model = queryset.model
        # A cursor is base64 a client can forge: a position that is not a value of the
        # ordering field ("p=2024-13-01" for a timestamp) fails in filter(), before any SQL.
        try:
            return super().paginate_queryset(queryset, request, view)
        except (DjangoValidationError, ValueError, TypeError):
            raise InvalidCursor(request.query_params.get(self.cursor_query_param, "")) from None

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        # isascii: str.isdigit() is also true for "²" and "٣", which are not what a client means.
        # len first: int() refuses more than 4,300 digits with a ValueError (a 500 before).
        if not (len(raw) <= 3 and raw.isascii() and raw.isdigit() and 1 <= int(raw) <= self.max_page_size):
            raise ValidationError(
                {self.page_size_query_param: [f"Must be a whole number from 1 to {self.max_page_size}."]}
            )
        return int(raw)

    def decode_cursor(self, request: Request) -> Cursor | None:
        raw = request.query_params.get(self.cursor_query_param)
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise InvalidCursor(raw) from None
        # DRF reads any base64 text as some cursor ("hello" is the first page): only one
        # this paginator could have issued, with a position PostgreSQL accepts, is used.
        if cursor is not None and (_token(cursor) != raw or (
                # DRF's stubs type Cursor.position as int; DRF decodes it as the query string's text.
                cursor.position is not None and not self._storable(cursor.position))):  # type: ignore[arg-type]
            raise InvalidCursor(raw)
        return cursor

    def _storable(self, position: str) -> bool:
        """Whether PostgreSQL accepts the position as a value of the first ordering field (pg_values)."""
        try:
            pg_values.check_query_text(position)
            try:
                field = self._model._meta.get_field(self.ordering[0].lstrip("-"))
            except FieldDoesNotExist:
                return True
            if not isinstance(field, models.Field):  # a reverse relation: not a column to check
                return True
            value = field.to_python(position)  # a ValidationError here becomes invalid_cursor above
            if isinstance(field, models.DateTimeField) and getattr(value, "utcoffset", lambda: None)() is None:
                return False  # every position this paginator writes carries its UTC offset
            pg_values.check_column_value(field, value)
        except pg_values.Unstorable:
            return False
        return True

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param, "required": False, "in": "query",
                "description": "The cursor of a page's `next` or `previous` link, unchanged.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param, "required": False, "in": "query",
                "description": f"Results per page, 1 to {self.max_page_size} (default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size,
                           "default": self.page_size},
            },
        ]


def _token(cursor: Cursor) -> str:
    """The cursor parameter CursorPagination.encode_cursor writes for this cursor."""
    tokens = {}
    if cursor.offset != 0:
        tokens["o"] = str(cursor.offset)
    if cursor.reverse:
        tokens["r"] = "1"
    if cursor.position is not None:
        tokens["p"] = cursor.position  # type: ignore[assignment]  # text, as above (stubs say int)
    return base64.b64encode(parse.urlencode(tokens, doseq=True).encode("ascii")).decode("ascii")


class ResearchCursorPagination(NewestFirstCursorPagination):
    ordering = ("created_at", "id")


class ConversationCursorPagination(NewestFirstCursorPagination):
    """Oldest message first; (timestamp, id) is the order of the conversation's index."""

    ordering = ("timestamp", "id")


class TRDVersionCursorPagination(NewestFirstCursorPagination):
    ordering = ("-version",)

