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


# The exact cost of one request on one session's routes, the throttle's statement included.
# The view resolves the visible session once (SessionScopedMixin); the selector or service
# below takes that session and does not look it up again (one query fewer than when each
# checked visibility or existence itself: a nested list 4 -> 3, a write 6 -> 5, decisions 8 -> 7).
S = "/api/sessions/{session}"
SESSION_ROUTES = [
    ("GET", S + "/", None, 2),
    ("GET", S + "/research/", None, 3),
    ("GET", S + "/conversations/", None, 3),
    ("GET", S + "/trd-versions/", None, 3),
    ("GET", S + "/errors/", None, 3),
    ("GET", "/api/tech-spec/sessions/{session}/trd", None, 3),
    ("GET", S + "/trd-versions/compare?from=1&to=2", None, 10),  # the diff, computed and cached
    ("POST", S + "/research/", {"technology_category": "cache", "gap_description": "hot reads",
                                "researched_options": [{"name": "Redis"}]}, 5),
    ("POST", S + "/conversations/", {"role": "agent", "message": "hi"}, 5),
    ("POST", S + "/errors/", {"node": "research", "error_type": "TimeoutError", "message": "slow"}, 5),
    ("POST", S + "/errors/recovered/", {"error_ids": ["{error}"]}, 5),
    ("POST", "/api/tech-spec/sessions/{session}/decisions",
     {"decisions": [{"research_id": "{research}", "selected_technology": "PostgreSQL"}]}, 7),
    ("PATCH", S + "/", {"current_stage": "decisions"}, 6),  # the lock reads the row again
]


@pytest.mark.parametrize(("method", "path", "body", "expected"), SESSION_ROUTES,
                         ids=[f"{method} {path}" for method, path, _, _ in SESSION_ROUTES])
def test_a_session_route_resolves_the_session_once(api_as, method, path, body, expected):
    caller = api_as("staff")
    session = TechSpecSessionFactory(status="in_progress", current_stage="research", progress_percentage=20)
    research = TechResearchFactory(session=session)
    error = AgentErrorLogFactory(session=session)
    for version in (1, 2):
        GeneratedTRDDocumentFactory(session=session, version=version)
    ids = {"session": session.id, "research": research.id, "error": error.id}
    url = path.format(**ids)
    data = {key: value for key, value in (body or {}).items()}
    if "error_ids" in data:
        data["error_ids"] = [str(error.id)]
    if "decisions" in data:
        data["decisions"] = [{**data["decisions"][0], "research_id": str(research.id)}]
    send = getattr(caller.client, method.lower())
    send(S.format(session=TechSpecSessionFactory().id) + "/", format="json")  # warm: one-off costs
    with CaptureQueriesContext(connection) as queries:
        response = send(url, data, format="json") if body is not None else send(url)
    assert response.status_code < 300, response.content
    assert len(queries) == expected, [q["sql"][:120] for q in queries]
