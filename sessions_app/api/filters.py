"""Query-string filters (django-filter). They narrow what the selector already
scoped to the caller, so a filter can never widen visibility."""

import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend

from sessions_app.choices import SessionStatus
from sessions_app.models import AgentErrorLog, TechSpecSession
from techspec_project import pg_values


class StorableValuesForm(forms.Form):
    """Every parsed filter value passes pg_values (a -16:00 offset parses in Python but not in
    PostgreSQL), so an unusable value is a 400 naming the parameter, not a 500 in the query."""

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            try:
                pg_values.check_value(value)
            except pg_values.Unstorable as exc:
                self.add_error(name, str(exc))
        return cleaned


class SessionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=SessionStatus.choices)
    project_id = django_filters.UUIDFilter()
    design_job_id = django_filters.UUIDFilter()
    user_id = django_filters.UUIDFilter()
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = TechSpecSession
        form = StorableValuesForm
        fields = ["status", "project_id", "design_job_id", "user_id", "created_after", "created_before"]


class ErrorLogFilter(django_filters.FilterSet):
    node = django_filters.CharFilter()
    error_type = django_filters.CharFilter()
    recovered = django_filters.BooleanFilter()

    class Meta:
        model = AgentErrorLog
        form = StorableValuesForm
        fields = ["node", "error_type", "recovered"]


class QueryStringFilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend that builds its FilterSet only when the query string may name a filter.

    Building and validating the FilterSet's form is a large share of an unfiltered session
    list's CPU, and with no filter parameter every filter is a no-op anyway. A parameter that
    starts with a filter's name (range filters add _min/_max) still goes through the FilterSet,
    so an invalid value is a 400 as before.
    """

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not any(
            key.startswith(name) for key in request.query_params for name in filterset_class.base_filters
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)
