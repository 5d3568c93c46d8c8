"""Conversations, research and error-log reads, and lookups by a unique key.
(TRDs: test_trd_reads.py; Design Agent jobs: test_design_job_reads.py.)"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from sessions_app.errors import SessionNotFound
from sessions_app.selectors import (
    conversation_list,
    error_log_list,
    research_list,
    session_error_list,
    session_get,
)
from tests.factories import (
    AgentErrorLogFactory,
    TechConversationFactory,
    TechResearchFactory,
    TechSpecSessionFactory,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now()


# --- conversation_list ------------------------------------------------------------------
# The API pages it with DRF's cursor pages (tests/api/test_list_pages.py walks them).


@pytest.fixture
def history():
    """Seven messages; three share one timestamp so the id has to break the tie."""
    session = TechSpecSessionFactory()
    stamps = [NOW + timedelta(seconds=s) for s in (0, 1, 2, 2, 2, 3, 4)]
    messages = [TechConversationFactory(session=session, timestamp=t) for t in stamps]
    TechConversationFactory()  # another session's message
    return session, sorted(messages, key=lambda m: (m.timestamp, m.pk))


def test_a_conversation_lists_the_sessions_messages_oldest_first_ties_by_id(history):
    session, messages = history
    assert list(conversation_list(session=session)) == messages


def test_conversation_of_another_users_session_is_not_found(history):
    with pytest.raises(SessionNotFound):
        conversation_list(session=session_get(session_id=history[0].pk, owner_id=uuid.uuid4()))


@pytest.mark.parametrize("rows", [3, 30])
def test_a_conversation_page_takes_one_query_whatever_the_number_of_rows(rows, django_assert_num_queries):
    session = TechSpecSessionFactory()
    TechConversationFactory.create_batch(rows, session=session)
    with django_assert_num_queries(1):
        page = list(conversation_list(session=session)[:50])
    assert len(page) == rows


# --- research_list ---------------------------------------------------------------------------


def test_research_lists_the_sessions_items_oldest_first():
    session = TechSpecSessionFactory()
    newer = TechResearchFactory(session=session, created_at=NOW)
    older = TechResearchFactory(session=session, created_at=NOW - timedelta(hours=1))
    TechResearchFactory()
    assert list(research_list(session=session)) == [older, newer]


def test_research_of_another_users_session_is_not_found():
    with pytest.raises(SessionNotFound):
        research_list(session=session_get(session_id=TechSpecSessionFactory().pk, owner_id=uuid.uuid4()))


@pytest.mark.parametrize("rows", [3, 30])
def test_research_list_takes_one_query_whatever_the_number_of_rows(rows, django_assert_num_queries):
    session = TechSpecSessionFactory()
    TechResearchFactory.create_batch(rows, session=session)
    with django_assert_num_queries(1):
        assert len(list(research_list(session=session))) == rows


# --- error_log_list ---------------------------------------------------------------------------


def test_error_log_is_newest_first():
    older = AgentErrorLogFactory(created_at=NOW - timedelta(hours=1))
    newer = AgentErrorLogFactory(created_at=NOW)
    assert list(error_log_list()) == [newer, older]


# Narrowing by node, error type or recovered is the API's ErrorLogFilter: tests/api/test_filters.py.


def test_a_sessions_error_list_holds_only_its_errors():
    wanted = AgentErrorLogFactory()
    AgentErrorLogFactory()
    assert list(session_error_list(session=wanted.session)) == [wanted]


def test_error_log_for_an_owner_holds_only_errors_of_their_sessions():
    mine = AgentErrorLogFactory()
    AgentErrorLogFactory()
    assert list(error_log_list(owner_id=mine.session.user_id)) == [mine]


@pytest.mark.parametrize("rows", [3, 30])
def test_error_log_is_one_query_whatever_the_number_of_rows(rows, django_assert_num_queries):
    session = TechSpecSessionFactory()
    AgentErrorLogFactory.create_batch(rows, session=session)
    with django_assert_num_queries(1):
        assert len(list(error_log_list(owner_id=session.user_id))) == rows


# --- lookups by a unique key --------------------------------------------------------------


def test_lookups_by_a_unique_key_send_no_order_by():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sessions_app import selectors

    session = TechSpecSessionFactory()
    error = AgentErrorLogFactory(session=session)
    lookups = {
        "session_get": lambda: selectors.session_get(session_id=session.id, owner_id=session.user_id),
        "session_status_summary": lambda: selectors.session_status_summary(session_id=session.id),
        "error_log_get": lambda: selectors.error_log_get(error_id=error.id, owner_id=session.user_id),
        "design_job_detail": lambda: selectors.design_job_detail(design_job_id=session.design_job_id),
    }
    for name, lookup in lookups.items():
        with CaptureQueriesContext(connection) as queries:
            assert lookup() is not None
        # The first statement reads the row; design_job_detail's prefetches may order their children.
        assert "ORDER BY" not in queries.captured_queries[0]["sql"], name
