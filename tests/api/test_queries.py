"""Every list endpoint costs the same number of SQL queries for 5 rows as for 200.

The count includes the throttles' one statement: a fixed cost per request, so it
must not break the equality either.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    AgentErrorLogFactory,
    DesignJobFactory,
    DesignOutputFactory,
    GeneratedTRDDocumentFactory,
    TechConversationFactory,
    TechResearchFactory,
    TechSpecSessionFactory,
)

pytestmark = pytest.mark.django_db


def add_sessions(session, n):
    # Completed: one user has at most one active session per design job.
    TechSpecSessionFactory.create_batch(n, user_id=session.user_id, design_job=session.design_job, completed=True)


def add_research(session, n):
    TechResearchFactory.create_batch(n, session=session)


def add_messages(session, n):
    TechConversationFactory.create_batch(n, session=session)


def add_trd_versions(session, n):
    start = session.trd_documents.count()
    for version in range(start + 1, start + n + 1):
        GeneratedTRDDocumentFactory(session=session, version=version)


def add_errors(session, n):
    AgentErrorLogFactory.create_batch(n, session=session)


def add_design_jobs(session, n):
    for _ in range(n):
        DesignOutputFactory(job=DesignJobFactory(user_id=session.user_id))


LISTS = [
    ("/api/sessions/", add_sessions),
    ("/api/sessions/?status=completed&ordering=-progress_percentage", add_sessions),
    ("/api/sessions/{session}/research/", add_research),
    ("/api/sessions/{session}/conversations/", add_messages),
    ("/api/sessions/{session}/trd-versions/", add_trd_versions),
    ("/api/sessions/{session}/errors/", add_errors),
    ("/api/errors/", add_errors),
    ("/api/errors/?recovered=false", add_errors),
    ("/api/design-jobs/", add_design_jobs),
]


def count_queries(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries), len(response.json()["results"])


@pytest.mark.parametrize("role", ["user", "staff"])
@pytest.mark.parametrize(("path", "add_rows"), LISTS, ids=[path for path, _ in LISTS])
def test_a_list_costs_the_same_queries_for_5_rows_and_for_200(api_as, role, path, add_rows):
    caller = api_as(role)
    session = TechSpecSessionFactory(user_id=caller.user_id, design_job=DesignJobFactory(user_id=caller.user_id))
    sep = "&" if "?" in path else "?"
    url = path.format(session=session.id) + f"{sep}page_size=200"
    add_rows(session, 5)
    caller.client.get(url)  # warm: the first request pays one-off costs

    small, small_rows = count_queries(caller.client, url)
    add_rows(session, 195)
    large, large_rows = count_queries(caller.client, url)

    assert small_rows >= 5 and large_rows == 200
    assert small == large
