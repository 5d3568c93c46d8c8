"""Query-string filters (django-filter) and ordering. They narrow what the selector already
scoped to the caller, so a filter can never widen visibility.

A value the API cannot use is a 400 naming the parameter, never silently ignored: an
unknown `ordering`, a `recovered` that is not true/false, an id that is not a canonical UUID.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

from sessions_app.choices import SessionStatus
from sessions_app.models import AgentErrorLog, TechSpecSession
from techspec_project import pg_values
from techspec_project.uuids import canonical_uuid

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


class StorableValuesForm(forms.Form):
    """Every parsed filter value passes pg_values (a -16:00 offset parses in Python but not in
    PostgreSQL), so an unusable value is a 400 naming the parameter, not a 500 in the query."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, value in list(cleaned.items()):
            try:
                pg_values.check_value(value)
            except pg_values.Unstorable as exc:
                self.add_error(name, str(exc))
        return cleaned


class CanonicalUUIDFormField(forms.UUIDField):
    """forms.UUIDField reads "{…}", "urn:uuid:…" and non-ASCII digits too; only the canonical form here."""

    # A UUID, not CharField's str: django-stubs' own UUIDField.to_python ignores the same override.
    def to_python(self, value: Any) -> uuid.UUID | None:  # type: ignore[override]
        value = forms.CharField.to_python(self, value)
        if value in self.empty_values:
            return None
        parsed = canonical_uuid(value)
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


class CanonicalUUIDFilter(django_filters.UUIDFilter):
    field_class = CanonicalUUIDFormField


class StrictBooleanFormField(forms.NullBooleanField):
    """true/false (or 1/0); NullBooleanField would read anything else as "no filter"."""

    widget = forms.TextInput  # NullBooleanSelect would turn an unknown value into None before to_python
    VALUES = {"true": True, "True": True, "1": True, "false": False, "False": False, "0": False}

    # None for "no filter", as django-stubs' own NullBooleanField.to_python (which ignores the same override).
    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        if value not in self.VALUES:
            raise forms.ValidationError("Must be true or false.", code="invalid")
        return self.VALUES[value]

    def validate(self, value: Any) -> None:
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanFormField


@extend_schema_field({
    "type": "string", "format": "date-time", "pattern": pg_values.DATETIME_OFFSET_PATTERN,
    "description": "ISO 8601 with \"Z\" or a UTC offset from -15:59 to +15:59 (PostgreSQL's range).",
})
class StorableDateTimeFilter(django_filters.IsoDateTimeFilter):
    """IsoDateTimeFilter, documented with the UTC offsets StorableValuesForm lets through."""


class SessionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=SessionStatus.choices)
    project_id = CanonicalUUIDFilter()
    design_job_id = CanonicalUUIDFilter()
    user_id = CanonicalUUIDFilter()
    created_after = StorableDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = StorableDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = TechSpecSession
        form = StorableValuesForm
        fields = ["status", "project_id", "design_job_id", "user_id", "created_after", "created_before"]


class ErrorLogFilter(django_filters.FilterSet):
    node = django_filters.CharFilter()
    error_type = django_filters.CharFilter()
    recovered = StrictBooleanFilter()

    class Meta:
        model = AgentErrorLog
        form = StorableValuesForm
        fields = ["node", "error_type", "recovered"]


class QueryStringFilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend that builds its FilterSet only when the query string may name a filter.

    Building and validating the FilterSet's form is a large share of an unfiltered session
    list's CPU, and with no filter parameter every filter is a no-op anyway. A parameter that
    starts with a filter's name (range filters add _min/_max) still goes through the FilterSet,
    so an invalid value is a 400 as before. A filter given with no value is a 400 too (django-filter
    would read it as "no filter", which is not what `?status=` asks for), except a text filter,
    where "" is a string like any other.
    """

    # DRF hands filter backends its Request (query_params below); django-filter's stubs say HttpRequest.
    def filter_queryset(self, request: Request, queryset: QuerySet[Any],  # type: ignore[override]
                        view: APIView) -> QuerySet[Any]:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        named = [key for key in request.query_params
                 if any(key.startswith(name) for name in filterset_class.base_filters)]
        if not named:
            return queryset
        empty = [key for key in named if request.query_params[key] == ""
                 and not isinstance(filterset_class.base_filters.get(key, django_filters.CharFilter()),
                                    django_filters.CharFilter)]
        if empty:
            raise ValidationError({key: ["Give a value, or leave the parameter out."] for key in empty})
        return super().filter_queryset(request, queryset, view)


class SingleFieldOrderingFilter(OrderingFilter):
    """`?ordering=` is one of the view's `ordering_fields`, optionally prefixed with "-"
    (descending); anything else is a 400, where DRF's OrderingFilter would ignore it."""

    def allowed(self, view: APIView) -> list[str]:
        return [prefix + name for name in getattr(view, "ordering_fields", ()) for prefix in ("", "-")]

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: APIView) -> Sequence[str] | None:
        raw = request.query_params.get(self.ordering_param)
        if raw is None:
            return self.get_default_ordering(view)
        allowed = self.allowed(view)
        if raw not in allowed:
            raise ValidationError({self.ordering_param: [f"Must be one of: {', '.join(allowed)}."]})
        return [raw]

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        return [{
            "name": self.ordering_param, "required": False, "in": "query",
            "description": "Sort by this field; a leading \"-\" sorts descending.",
            "schema": {"type": "string", "enum": self.allowed(view)},
        }]
