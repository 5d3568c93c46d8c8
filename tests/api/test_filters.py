"""The API's FilterSets on the selectors' querysets: the one layer that narrows a list.

These checks lived on the selectors' own filter arguments (created_from/created_to, node,
recovered, ...) until the FilterSet became the only place a list is filtered.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sessions_app.api.filters import ErrorLogFilter, SessionFilter
from sessions_app.selectors import error_log_list, session_list
from tests.factories import AgentErrorLogFactory, TechSpecSessionFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def filtered(filterset_class, data: dict, queryset):
    filterset = filterset_class(data, queryset=queryset)
    assert filterset.is_valid(), filterset.errors
    return filterset.qs


# --- sessions ----------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["status", "project_id", "design_job_id", "user_id"])
def test_sessions_filter_by_each_field(field):
    wanted = TechSpecSessionFactory(status="in_progress", current_stage="analysis")
    TechSpecSessionFactory()
    assert list(filtered(SessionFilter, {field: str(getattr(wanted, field))}, session_list())) == [wanted]


def test_sessions_filter_by_a_half_open_created_range():
    TechSpecSessionFactory(created_at=NOW - timedelta(days=3))
    inside = TechSpecSessionFactory(created_at=NOW - timedelta(days=2))
    TechSpecSessionFactory(created_at=NOW - timedelta(days=1))
    start, end = NOW - timedelta(days=2), NOW - timedelta(days=1)
    data = {"created_after": start.isoformat(), "created_before": end.isoformat()}
    assert list(filtered(SessionFilter, data, session_list())) == [inside]


def test_a_date_in_the_created_range_means_its_midnight():
    today = timezone.localdate()
    TechSpecSessionFactory(created_at=NOW - timedelta(days=3))
    recent = TechSpecSessionFactory()
    assert list(filtered(SessionFilter, {"created_after": today.isoformat()}, session_list())) == [recent]


def test_a_created_range_that_is_not_a_date_is_refused():
    assert not SessionFilter({"created_after": "yesterday"}, queryset=session_list()).is_valid()


@pytest.mark.parametrize("rows", [3, 30])
def test_a_filtered_session_list_is_one_query_whatever_the_number_of_rows(rows, django_assert_num_queries):
    TechSpecSessionFactory.create_batch(rows)
    with django_assert_num_queries(1):
        assert len(list(filtered(SessionFilter, {"status": "pending"}, session_list()))) == rows


# --- agent errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "text"),
    [("node", "generate_trd", "generate_trd"), ("error_type", "ValueError", "ValueError"), ("recovered", True, "true")],
)
def test_errors_filter_by_each_field(field, value, text):
    wanted = AgentErrorLogFactory(**{field: value})
    AgentErrorLogFactory()
    assert list(filtered(ErrorLogFilter, {field: text}, error_log_list())) == [wanted]


def test_errors_filter_unrecovered_with_false():
    open_ = AgentErrorLogFactory()
    AgentErrorLogFactory(recovered=True)
    assert list(filtered(ErrorLogFilter, {"recovered": "false"}, error_log_list())) == [open_]


@pytest.mark.parametrize("rows", [3, 30])
def test_a_filtered_error_list_is_one_query_whatever_the_number_of_rows(rows, django_assert_num_queries):
    session = TechSpecSessionFactory()
    AgentErrorLogFactory.create_batch(rows, session=session)
    with django_assert_num_queries(1):
        errors = filtered(ErrorLogFilter, {"node": "research_technologies"}, error_log_list(owner_id=session.user_id))
        assert len(list(errors)) == rows
