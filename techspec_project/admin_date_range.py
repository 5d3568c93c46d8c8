"""A date-range filter for admin lists: "from" and "to" dates, both inclusive, no script needed.

django-admin-rangefilter does the same with an inline <script> per filter; two
native <input type="date"> in a GET form need none, so the admin keeps working
under a Content-Security-Policy without nonces.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.utils import timezone


def _one(value) -> str:
    if isinstance(value, list | tuple):
        value = value[-1] if value else ""
    return str(value or "").strip()


class DateRangeFilter(admin.FieldListFilter):
    """?<field>__from=YYYY-MM-DD&<field>__to=YYYY-MM-DD, whole local days, on an indexed column."""

    template = "admin/techspec/date_range_filter.html"
    custom_title = ""

    @classmethod
    def titled(cls, title: str) -> type[DateRangeFilter]:
        """The same filter under another heading ("By sent" rather than "By timestamp")."""
        return type(f"{cls.__name__}_{title.replace(' ', '_')}", (cls,), {"custom_title": title})

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.param_from = f"{field_path}__from"
        self.param_to = f"{field_path}__to"
        super().__init__(field, request, params, model, model_admin, field_path)
        if self.custom_title:
            self.title = self.custom_title
        self.value_from = _one(self.used_parameters.get(self.param_from))
        self.value_to = _one(self.used_parameters.get(self.param_to))

    def expected_parameters(self):
        return [self.param_from, self.param_to]

    def _day(self, text: str, name: str) -> date | None:
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError as exc:
            raise IncorrectLookupParameters(f"{name}={text!r} is not a date (YYYY-MM-DD).") from exc

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """[start of `from` day, start of the day after `to`) in the current time zone."""
        zone = timezone.get_current_timezone()
        start = self._day(self.value_from, self.param_from)
        end = self._day(self.value_to, self.param_to)
        return (
            datetime.combine(start, time.min, tzinfo=zone) if start else None,
            datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone) if end else None,
        )

    def queryset(self, request, queryset):
        start, end = self.bounds()
        if start is not None:
            queryset = queryset.filter(**{f"{self.field_path}__gte": start})
        if end is not None:
            queryset = queryset.filter(**{f"{self.field_path}__lt": end})
        return queryset

    def choices(self, changelist):
        ours = {self.param_from, self.param_to, "p"}
        yield {
            "system_name": self.field_path.replace("__", "-"),
            "param_from": self.param_from,
            "param_to": self.param_to,
            "value_from": self.value_from,
            "value_to": self.value_to,
            "hidden": [(key, value) for key, value in changelist.params.items() if key not in ours],
            "clear_url": changelist.get_query_string(remove=[self.param_from, self.param_to]),
            "selected": bool(self.value_from or self.value_to),
        }
