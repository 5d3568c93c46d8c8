"""Keyset (cursor) pagination: no COUNT(*) and no OFFSET over large tables."""

from rest_framework.pagination import CursorPagination


class NewestFirstCursorPagination(CursorPagination):
    """Pages of 50 (up to 200 with ?page_size=), newest first."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-created_at", "-id")


class ResearchCursorPagination(NewestFirstCursorPagination):
    ordering = ("created_at", "id")


class TRDVersionCursorPagination(NewestFirstCursorPagination):
    ordering = ("-version",)
