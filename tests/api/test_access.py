"""Who may do what, on every route: anonymous, the owner (user A), another user (B),
the agent acting for A, and staff.

Every row is about user A's data. Another user's session is a 404 on every route and
never appears in a list, whatever the filters; the agent writes are for the agent
and staff (403 for the owner, 404 for anyone who cannot see the session).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from sessions_app.models import AgentErrorLog, GeneratedTRDDocument, TechConversation, TechResearch
from tests.factories import (
    AgentErrorLogFactory,
    DesignJobFactory,
    GeneratedTRDDocumentFactory,
    TechConversationFactory,
    TechResearchFactory,
    TechSpecSessionFactory,
)
from tests.support.api import api_client

pytestmark = pytest.mark.django_db

CALLERS = ("anonymous", "owner", "other", "agent", "staff")
SEEN, UNSEEN = "seen", "unseen"
CHILD_MODELS = (TechResearch, TechConversation, AgentErrorLog, GeneratedTRDDocument)


@dataclass
class World:
    """User A's session with one of each child, and user B's own session beside it."""

    user_a: uuid.UUID
    user_b: uuid.UUID
    job: object
    session: object
    research: object
    message: object
    trd: object
    error: object

    def ids(self) -> dict[str, str]:
        return {
            "user_a": str(self.user_a), "user_b": str(self.user_b), "job": str(self.job.id),
            "project": str(self.session.project_id), "session": str(self.session.id),
            "research": str(self.research.id), "message": str(self.message.id), "trd": str(self.trd.id),
            "error": str(self.error.id),
        }


@pytest.fixture
def world(db) -> World:
    user_a, user_b = uuid.uuid4(), uuid.uuid4()
    job = DesignJobFactory(user_id=user_a, with_outputs=True)
    session = TechSpecSessionFactory(
        user_id=user_a, design_job=job, status="in_progress", current_stage="research", progress_percentage=20
    )
    other_session = TechSpecSessionFactory(user_id=user_b)
    TechResearchFactory(session=other_session)
    AgentErrorLogFactory(session=other_session)
    return World(
        user_a=user_a, user_b=user_b, job=job, session=session,
        research=TechResearchFactory(session=session),
        message=TechConversationFactory(session=session),
        trd=GeneratedTRDDocumentFactory(session=session, version=1),
        error=AgentErrorLogFactory(session=session, node="generate_trd"),
    )


def client_for(caller: str, world: World):
    tokens = {
        "owner": (world.user_a, "user"), "other": (world.user_b, "user"),
        "agent": (world.user_a, "agent"), "staff": (uuid.uuid4(), "staff"),
    }
    return api_client(*tokens.get(caller, (None,)))


S = "/api/sessions/{session}"
TRD_BODY = {"trd_content": "# TRD", "quality_score": "90.00"}
ERROR_BODY = {"node": "research", "error_type": "TimeoutError", "message": "slow"}
RESEARCH_BODY = {
    "technology_category": "cache", "gap_description": "hot reads", "researched_options": [{"name": "Redis"}],
}
DECISION_BODY = {"decisions": [{"research_id": "{research}", "selected_technology": "PostgreSQL"}]}

# (method, path, body, item a list must show, outcome for: anonymous, owner, other, agent, staff)
# A number is the HTTP status; "seen"/"unseen" is a 200 list that does or does not hold A's item.
MATRIX = [
    # sessions
    ("GET", "/api/sessions/", None, "session", (401, SEEN, UNSEEN, SEEN, SEEN)),
    ("GET", "/api/sessions/?user_id={user_a}", None, "session", (401, SEEN, UNSEEN, SEEN, SEEN)),
    ("GET", "/api/sessions/?design_job_id={job}", None, "session", (401, SEEN, UNSEEN, SEEN, SEEN)),
    ("GET", "/api/sessions/?project_id={project}", None, "session", (401, SEEN, UNSEEN, SEEN, SEEN)),
    ("GET", "/api/sessions/?status=in_progress", None, "session", (401, SEEN, UNSEEN, SEEN, SEEN)),
    ("GET", "/api/sessions/?ordering=progress_percentage", None, "session", (401, SEEN, UNSEEN, SEEN, SEEN)),
    ("GET", S + "/", None, None, (401, 200, 404, 200, 200)),
    ("PATCH", S + "/", {"current_stage": "decisions"}, None, (401, 403, 404, 200, 200)),
    ("PUT", S + "/", {"current_stage": "decisions"}, None, (401, 405, 405, 405, 405)),
    ("DELETE", S + "/", None, None, (401, 405, 405, 405, 405)),
    ("POST", "/api/sessions/", {}, None, (401, 405, 405, 405, 405)),
    # nested lists and agent writes
    ("GET", S + "/research/", None, "research", (401, SEEN, 404, SEEN, SEEN)),
    ("POST", S + "/research/", RESEARCH_BODY, None, (401, 403, 404, 201, 201)),
    ("GET", S + "/conversations/", None, "message", (401, SEEN, 404, SEEN, SEEN)),
    ("POST", S + "/conversations/", {"role": "agent", "message": "hi"}, None, (401, 403, 404, 201, 201)),
    ("GET", S + "/trd-versions/", None, "trd", (401, SEEN, 404, SEEN, SEEN)),
    ("POST", S + "/trd-versions/", TRD_BODY, None, (401, 403, 404, 201, 201)),
    ("GET", S + "/errors/", None, "error", (401, SEEN, 404, SEEN, SEEN)),
    ("POST", S + "/errors/", ERROR_BODY, None, (401, 403, 404, 201, 201)),
    ("POST", S + "/errors/recovered/", {"error_ids": ["{error}"]}, None, (401, 403, 404, 200, 200)),
    ("DELETE", S + "/research/", None, None, (401, 405, 404, 405, 405)),
    # the planned flow endpoints
    ("GET", "/api/tech-spec/sessions/{session}/status", None, None, (401, 200, 404, 200, 200)),
    ("GET", "/api/tech-spec/sessions/{session}/trd", None, None, (401, 200, 404, 200, 200)),
    ("GET", "/api/tech-spec/sessions/{session}/trd?format=md", None, None, (401, 200, 404, 200, 200)),
    ("POST", "/api/tech-spec/sessions/{session}/decisions", DECISION_BODY, None, (401, 201, 404, 403, 201)),
    # A session is started by its design job's own user: anyone else's job is not found, staff's too.
    ("POST", "/api/projects/{project}/start-tech-spec", {"design_job_id": "{job}"}, None,
     (401, 200, 404, 200, 404)),
    # agent errors across sessions
    ("GET", "/api/errors/", None, "error", (401, SEEN, UNSEEN, SEEN, SEEN)),
    ("GET", "/api/errors/?node=generate_trd", None, "error", (401, SEEN, UNSEEN, SEEN, SEEN)),
    ("GET", "/api/errors/?recovered=false", None, "error", (401, SEEN, UNSEEN, SEEN, SEEN)),
    ("GET", "/api/errors/{error}/", None, None, (401, 200, 404, 200, 200)),
    ("DELETE", "/api/errors/{error}/", None, None, (401, 405, 405, 405, 405)),
    # Design Agent jobs (read-only)
    ("GET", "/api/design-jobs/", None, "job", (401, SEEN, UNSEEN, SEEN, SEEN)),
    ("GET", "/api/design-jobs/{job}/", None, None, (401, 200, 404, 200, 200)),
    ("POST", "/api/design-jobs/", {}, None, (401, 405, 405, 405, 405)),
]


def fill(template, ids: dict[str, str]):
    if isinstance(template, str):
        return template.format(**ids)
    if isinstance(template, dict):
        return {key: fill(value, ids) for key, value in template.items()}
    if isinstance(template, list):
        return [fill(value, ids) for value in template]
    return template


CASES = [
    pytest.param(method, path, body, item, caller, outcome, id=f"{method} {path} as {caller}")
    for method, path, body, item, outcomes in MATRIX
    for caller, outcome in zip(CALLERS, outcomes, strict=True)
]


@pytest.mark.parametrize(("method", "path", "body", "item", "caller", "outcome"), CASES)
def test_each_caller_gets_what_its_role_and_ownership_allow(world, method, path, body, item, caller, outcome):
    ids = world.ids()
    client = client_for(caller, world)

    response = client.generic(method, fill(path, ids), data=None) if body is None else getattr(
        client, method.lower()
    )(fill(path, ids), fill(body, ids), format="json")

    if outcome in (SEEN, UNSEEN):
        assert response.status_code == 200, response.content
        listed = {row["id"] for row in response.json()["results"]}
        assert (ids[item] in listed) is (outcome == SEEN)
        if caller == "other":
            assert listed.isdisjoint(ids.values())
    else:
        assert response.status_code == outcome, response.content
        if outcome >= 400:
            assert set(response.json()) == {"error"}


def test_the_not_found_answer_is_identical_for_someone_elses_session_and_a_missing_one(world):
    client = client_for("other", world)
    theirs = client.get(f"/api/tech-spec/sessions/{world.session.id}/status").json()
    missing_id = uuid.uuid4()
    missing = client.get(f"/api/tech-spec/sessions/{missing_id}/status").json()
    assert theirs["error"]["code"] == missing["error"]["code"] == "session_not_found"
    assert theirs["error"]["message"].replace(str(world.session.id), "X") == missing["error"]["message"].replace(
        str(missing_id), "X"
    )


def test_a_filter_on_another_users_id_returns_nothing(world):
    response = client_for("owner", world).get("/api/sessions/", {"user_id": str(world.user_b)})
    assert response.status_code == 200 and response.json()["results"] == []


def test_a_refused_agent_write_changes_nothing(world):
    client_for("owner", world).patch(f"/api/sessions/{world.session.id}/", {"current_stage": "decisions"},
                                     format="json")
    client_for("other", world).post(f"/api/sessions/{world.session.id}/trd-versions/", TRD_BODY, format="json")
    world.session.refresh_from_db()
    assert world.session.current_stage == "research"
    assert world.session.trd_documents.count() == 1


# The services that write a session's rows take the session the view resolved; these are the
# checks that once lived in each service's "missing session" test: a write to a session that
# does not exist is the same 404 as any other, and writes nothing, even for staff.
WRITES = [
    (S + "/research/", RESEARCH_BODY),
    (S + "/conversations/", {"role": "agent", "message": "hi"}),
    (S + "/errors/", ERROR_BODY),
    (S + "/errors/recovered/", {"error_ids": ["{error}"]}),
    (S + "/trd-versions/", TRD_BODY),
    ("/api/tech-spec/sessions/{session}/decisions", DECISION_BODY),
]


@pytest.mark.parametrize(("path", "body"), WRITES, ids=[path for path, _ in WRITES])
def test_a_write_to_a_missing_session_is_a_404_and_writes_nothing(world, path, body):
    ids = {**world.ids(), "session": str(uuid.uuid4())}
    before = [model.objects.count() for model in CHILD_MODELS]
    response = client_for("staff", world).post(fill(path, ids), fill(body, ids), format="json")
    assert response.status_code == 404, response.content
    assert response.json()["error"]["code"] == "session_not_found"
    assert [model.objects.count() for model in CHILD_MODELS] == before
    world.error.refresh_from_db()
    assert world.error.recovered is False
