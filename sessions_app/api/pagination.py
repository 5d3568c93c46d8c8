"""Keyset (cursor) pagination: no COUNT(*) and no OFFSET over large tables."""

from django.core.exceptions import ValidationError
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination

from techspec_project import pg_values


class NewestFirstCursorPagination(CursorPagination):
    """Pages of 50 (up to 200 with ?page_size=), newest first."""

    def paginate_queryset(self, queryset, request, view=None):
        # A cursor is base64 a client can forge: a position that is not a value of the
        # ordering field ("p=2024-13-01" for a timestamp) fails in filter(), before any SQL.
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValidationError, ValueError, TypeError):
            raise NotFound(self.invalid_cursor_message) from None

    def decode_cursor(self, request):
        # The position goes into the query as it is: it must be a value PostgreSQL accepts
        # (no NUL, a timestamp's UTC offset within its range), not only one Python parses.
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            try:
                pg_values.check_query_text(cursor.position)
            except pg_values.Unstorable:
                raise NotFound(self.invalid_cursor_message) from None
        return cursor

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-created_at", "-id")


class ResearchCursorPagination(NewestFirstCursorPagination):
    ordering = ("created_at", "id")


class TRDVersionCursorPagination(NewestFirstCursorPagination):
    ordering = ("-version",)

