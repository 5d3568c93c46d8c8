"""Query-string filters (django-filter). They narrow what the selector already
scoped to the caller, so a filter can never widen visibility."""

import django_filters

from sessions_app.choices import SessionStatus
from sessions_app.models import AgentErrorLog, TechSpecSession


class SessionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=SessionStatus.choices)
    project_id = django_filters.UUIDFilter()
    design_job_id = django_filters.UUIDFilter()
    user_id = django_filters.UUIDFilter()
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = TechSpecSession
        fields = ["status", "project_id", "design_job_id", "user_id", "created_after", "created_before"]


class ErrorLogFilter(django_filters.FilterSet):
    node = django_filters.CharFilter()
    error_type = django_filters.CharFilter()
    recovered = django_filters.BooleanFilter()

    class Meta:
        model = AgentErrorLog
        fields = ["node", "error_type", "recovered"]
