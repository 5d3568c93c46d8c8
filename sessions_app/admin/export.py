"""CSV export of a changelist as filtered: streamed, newest first, at most EXPORT_MAX_ROWS rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseBase, StreamingHttpResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone

from sessions_app.selectors.exports import EXPORT_MAX_ROWS, export_rows
from techspec_project.admin_tables import ModelAdminMixin

# A spreadsheet runs a cell that starts with one of these as a formula; messages are written
# by an LLM, so such cells get a leading apostrophe (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# Lines per chunk handed to the server: one chunk per line costs more in the response
# machinery than writing the line.
CHUNK_ROWS = 500


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class CsvExportMixin(ModelAdminMixin[Any]):
    """Adds <changelist>/export.csv: the rows the changelist's filters and search select."""

    # (CSV header, field name) pairs; fields are read with values_list (no model instances).
    csv_columns: tuple[tuple[str, str], ...] = ()
    csv_max_rows = EXPORT_MAX_ROWS

    def get_urls(self) -> list[URLPattern]:
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}_export"
        export = path("export.csv", self.admin_site.admin_view(self.export_csv_view), name=name)
        return [export, *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        opts = self.model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_export", current_app=self.admin_site.name)
        query = request.GET.copy()
        query.pop("p", None)
        context = {"csv_export_url": f"{url}?{query.urlencode()}" if query else url,
                   "csv_max_rows": self.csv_max_rows, **(extra_context or {})}
        return super().changelist_view(request, extra_context=context)

    def export_csv_view(self, request: HttpRequest) -> HttpResponseBase:
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        try:
            queryset = self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters as exc:
            return HttpResponseBadRequest(f"This filter cannot be exported: {exc}", content_type="text/plain")
        columns = [field for _, field in self.csv_columns]
        limit = self.csv_max_rows

        def chunks() -> Iterator[str]:
            buffer = io.StringIO()
            # Every cell quoted: a spreadsheet that splits on ";" (de, fr locales) would read
            # "x;=1+1" as two cells, the second a formula, past _cell's first-character check.
            writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
            writer.writerow([header for header, _ in self.csv_columns])
            for count, row in enumerate(export_rows(queryset, columns=columns, limit=limit), start=1):
                if row is None:
                    writer.writerow([f"# Export stopped at {limit:,} rows: more rows match this filter. "
                                     "Narrow it (for example with the date range) to export the rest."])
                    break
                writer.writerow([_cell(value) for value in row])
                if count % CHUNK_ROWS == 0:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
            yield buffer.getvalue()

        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response = StreamingHttpResponse(chunks(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.model._meta.model_name}-{stamp}.csv"'
        return response
