"""Conversation pages, research, TRD and error-log reads, and the design job detail."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from design_bridge.errors import DesignJobNotFound
from design_bridge.models import DesignOutputType
from sessions_app.errors import InvalidCursor, InvalidValue, SessionNotFound, TRDNotFound
from sessions_app.selectors import (
    conversation_page,
    design_job_detail,
    encode_cursor,
    error_log_list,
    research_list,
    session_error_list,
    session_get,
    trd_get,
    trd_versions,
)
from tests.factories import (
    AgentErrorLogFactory,
    DesignDecisionFactory,
    DesignJobFactory,
    GeneratedTRDDocumentFactory,
    TechConversationFactory,
    TechResearchFactory,
    TechSpecSessionFactory,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now()


# --- conversation_page ------------------------------------------------------------------


@pytest.fixture
def history():
    """Seven messages; three share one timestamp so the id has to break the tie."""
    session = TechSpecSessionFactory()
    stamps = [NOW + timedelta(seconds=s) for s in (0, 1, 2, 2, 2, 3, 4)]
    messages = [TechConversationFactory(session=session, timestamp=t) for t in stamps]
    return session, sorted(messages, key=lambda m: (m.timestamp, m.pk))


def all_pages(session, limit):
    pages, after = [], None
    while True:
        page = conversation_page(session=session, after=after, limit=limit)
        pages.append(page)
        if page.next_cursor is None:
            return pages
        after = page.next_cursor


def test_first_page_holds_the_oldest_messages_and_a_cursor(history):
    session, messages = history
    page = conversation_page(session=session, limit=3)
    assert page.items == messages[:3]
    assert page.next_cursor is not None


def test_following_cursors_visits_every_message_once_in_order(history):
    session, messages = history
    pages = all_pages(session, limit=2)
    assert [m for page in pages for m in page.items] == messages
    assert len(pages) == 4


def test_the_last_page_has_no_cursor(history):
    session, messages = history
    page = conversation_page(session=session, limit=len(messages))
    assert (len(page.items), page.next_cursor) == (len(messages), None)


def test_a_timestamp_and_id_tuple_works_as_a_cursor(history):
    session, messages = history
    page = conversation_page(session=session, after=(messages[2].timestamp, messages[2].pk), limit=50)
    assert page.items == messages[3:]


def test_new_messages_do_not_shift_a_page_already_started(history):
    session, messages = history
    first = conversation_page(session=session, limit=3)
    TechConversationFactory(session=session, timestamp=NOW - timedelta(days=1))  # an older, late arrival
    second = conversation_page(session=session, after=first.next_cursor, limit=3)
    assert second.items == messages[3:6]


@pytest.mark.parametrize("cursor", ["garbage", encode_cursor(NOW, "x")[:-2] + "!!", ("yesterday", uuid.uuid4())])
def test_a_cursor_the_service_did_not_issue_is_invalid(history, cursor):
    with pytest.raises(InvalidCursor):
        conversation_page(session=history[0], after=cursor)


@pytest.mark.parametrize("limit", [0, 201])
def test_a_limit_out_of_range_is_invalid(history, limit):
    with pytest.raises(InvalidValue):
        conversation_page(session=history[0], limit=limit)


def test_conversation_of_another_users_session_is_not_found(history):
    with pytest.raises(SessionNotFound):
        conversation_page(session=session_get(session_id=history[0].pk, owner_id=uuid.uuid4()))


@pytest.mark.parametrize("rows", [3, 30])
def test_a_page_takes_one_query_whatever_the_number_of_rows(rows, django_assert_num_queries):
    session = TechSpecSessionFactory()
    TechConversationFactory.create_batch(rows, session=session)
    with django_assert_num_queries(1):
        page = conversation_page(session=session, limit=50)
    assert len(page.items) == rows


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


# --- TRD -----------------------------------------------------------------------------------------


@pytest.fixture
def trd_session():
    session = TechSpecSessionFactory()
    for version in (1, 2, 3):
        GeneratedTRDDocumentFactory(session=session, version=version, trd_content=f"v{version}")
    return session


def test_trd_get_returns_the_latest_version_by_default(trd_session):
    assert trd_get(session=trd_session).version == 3


def test_trd_get_returns_the_requested_version(trd_session):
    assert trd_get(session=trd_session, version=2).trd_content == "v2"


def test_trd_get_of_a_missing_version_raises_trd_not_found(trd_session):
    with pytest.raises(TRDNotFound) as caught:
        trd_get(session=trd_session, version=9)
    assert caught.value.details["version"] == 9


def test_trd_get_of_a_session_without_documents_raises_trd_not_found():
    with pytest.raises(TRDNotFound):
        trd_get(session=TechSpecSessionFactory())


def test_trd_get_of_another_users_session_raises_session_not_found(trd_session):
    with pytest.raises(SessionNotFound):
        trd_get(session=session_get(session_id=trd_session.pk, owner_id=uuid.uuid4()))


def test_trd_get_takes_one_query_when_the_document_exists(trd_session, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert trd_get(session=trd_session).session is trd_session


def test_trd_versions_are_newest_first_without_the_documents(trd_session):
    versions = list(trd_versions(session=trd_session))
    assert [v.version for v in versions] == [3, 2, 1]
    assert {"trd_content", "api_specification", "validation_report"} <= versions[0].get_deferred_fields()


def test_trd_versions_of_another_users_session_are_not_found(trd_session):
    with pytest.raises(SessionNotFound):
        trd_versions(session=session_get(session_id=trd_session.pk, owner_id=uuid.uuid4()))


@pytest.mark.parametrize("rows", [3, 30])
def test_trd_versions_take_one_query_whatever_the_number_of_rows(rows, django_assert_num_queries):
    session = TechSpecSessionFactory()
    for version in range(1, rows + 1):
        GeneratedTRDDocumentFactory(session=session, version=version)
    with django_assert_num_queries(1):
        assert len(list(trd_versions(session=session))) == rows


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


# --- design_job_detail --------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [3, 30])
def test_design_job_detail_prefetches_outputs_and_decisions_in_three_queries(rows, django_assert_num_queries):
    job = DesignJobFactory(with_outputs=True)
    DesignDecisionFactory.create_batch(rows, job=job)
    with django_assert_num_queries(3):
        found = design_job_detail(design_job_id=job.id)
        assert len(found.decisions.all()) == rows
        assert [o.output_type for o in found.outputs.all()] == sorted(
            [DesignOutputType.PRD, DesignOutputType.DESIGN_SYSTEM, DesignOutputType.UX_FLOW,
             DesignOutputType.SCREEN_SPECS]
        )


def test_design_job_detail_of_a_missing_job_raises_not_found():
    with pytest.raises(DesignJobNotFound):
        design_job_detail(design_job_id=uuid.uuid4())


def test_design_jobs_follow_the_sessions_visibility_rule():
    from sessions_app.selectors import design_job_list

    job = DesignJobFactory()
    assert design_job_detail(design_job_id=job.id, owner_id=job.user_id) == job
    with pytest.raises(DesignJobNotFound):
        design_job_detail(design_job_id=job.id, owner_id=uuid.uuid4())
    # A malformed owner id sees nothing, as for sessions, instead of failing in the query.
    with pytest.raises(DesignJobNotFound):
        design_job_detail(design_job_id=job.id, owner_id="not-a-uuid")
    assert list(design_job_list(owner_id="not-a-uuid")) == []
    assert job in design_job_list()


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
