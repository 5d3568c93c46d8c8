"""A whole Tech Spec session driven over HTTP alone: the user's token and the agent's token."""

from __future__ import annotations

import pytest

from sessions_app.models import TechSpecSession
from tests.factories import DesignJobFactory, TechSpecSessionFactory
from tests.support.api import assert_error

pytestmark = pytest.mark.django_db


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content
    return response.json()


def test_a_session_runs_from_start_to_completed_trd_over_http(api_as):
    user = api_as("user")
    agent = api_as("agent", user_id=user.user_id).client
    job = DesignJobFactory(with_outputs=True, user_id=user.user_id)

    started = ok(user.client.post(f"/api/projects/{job.project_id}/start-tech-spec",
                                  {"design_job_id": str(job.id)}, format="json"), 201)
    sid = started["session_id"]
    session_url = f"/api/sessions/{sid}/"

    def move(**change) -> dict:
        return ok(agent.patch(session_url, change, format="json"))

    move(status="in_progress", current_stage="analysis", progress_percentage=10)
    move(current_stage="research", progress_percentage=20)
    research = [
        ok(agent.post(f"{session_url}research/", {
            "technology_category": category, "gap_description": f"needs a {category}",
            "researched_options": [{"name": first}, {"name": second}],
        }, format="json"), 201)
        for category, first, second in (("database", "PostgreSQL", "MySQL"), ("cache", "Redis", "Memcached"))
    ]
    ok(agent.post(f"{session_url}conversations/", {"role": "agent", "message": "Two choices for you."},
                  format="json"), 201)
    move(status="waiting_user", current_stage="decisions", progress_percentage=40)

    ok(user.client.post(f"/api/tech-spec/sessions/{sid}/decisions", {"decisions": [
        {"research_id": research[0]["id"], "selected_technology": "PostgreSQL", "reasoning": "JSONB"},
        {"research_id": research[1]["id"], "selected_technology": "Redis", "reasoning": "pub/sub"},
    ]}, format="json"), 201)

    move(status="in_progress", current_stage="generation", progress_percentage=60)
    ok(agent.post(f"{session_url}trd-versions/", {"trd_content": "# TRD v1", "quality_score": "70.00"},
                  format="json"), 201)
    move(current_stage="validation", progress_percentage=80)
    error = ok(agent.post(f"{session_url}errors/", {
        "node": "validate_trd", "error_type": "QualityTooLow", "message": "score 70 < 85",
    }, format="json"), 201)
    assert ok(user.client.get(f"/api/tech-spec/sessions/{sid}/status"))["latest_unrecovered_error"]["id"] == error["id"]
    move(current_stage="generation")
    ok(agent.post(f"{session_url}trd-versions/", {
        "trd_content": "# TRD v2", "database_schema": "CREATE TABLE users ();", "quality_score": "92.50",
    }, format="json"), 201)
    assert ok(agent.post(f"{session_url}errors/recovered/", {"error_ids": [error["id"]]}, format="json")) == {
        "changed": 1
    }
    move(current_stage="validation", progress_percentage=90)
    completed = move(status="completed")

    assert (completed["status"], completed["current_stage"], completed["progress_percentage"]) == (
        "completed", "completed", 100
    )
    status = ok(user.client.get(f"/api/tech-spec/sessions/{sid}/status"))
    assert (status["status"], status["research_total"], status["research_awaiting_decision"]) == ("completed", 2, 0)
    assert (status["latest_trd_version"], status["latest_trd_quality_score"]) == (2, "92.50")
    assert status["latest_unrecovered_error"] is None and status["completed_at"]

    trd = ok(user.client.get(f"/api/tech-spec/sessions/{sid}/trd"))
    assert (trd["version"], trd["trd_content"]) == (2, "# TRD v2")
    markdown = user.client.get(f"/api/tech-spec/sessions/{sid}/trd", {"format": "md"})
    # The canonical document: a title block first, then the content as written, the schema fenced.
    assert markdown.status_code == 200
    assert markdown.content.decode().startswith("# Technical Requirements Document, version 2\n")
    assert "\n# TRD v2\n" in markdown.content.decode()
    assert "```sql\nCREATE TABLE users ();\n```" in markdown.content.decode()


@pytest.mark.parametrize(
    ("state", "change"),
    [
        ({}, {"current_stage": "research"}),
        ({}, {"status": "completed"}),
        ({"status": "in_progress", "current_stage": "research", "progress_percentage": 30},
         {"current_stage": "generation"}),
        ({"status": "in_progress", "current_stage": "research", "progress_percentage": 30},
         {"progress_percentage": 10}),
        ({"completed": True}, {"status": "in_progress"}),
    ],
    ids=["pending to research", "pending to completed", "research to generation", "progress backwards",
         "completed reopened"],
)
def test_an_illegal_transition_is_409_and_changes_nothing(api_as, state, change):
    agent = api_as("agent")
    session = TechSpecSessionFactory(user_id=agent.user_id, **state)
    before = TechSpecSession.objects.values().get(pk=session.pk)

    response = agent.client.patch(f"/api/sessions/{session.id}/", change, format="json")

    assert_error(response, 409, "illegal_transition")
    assert TechSpecSession.objects.values().get(pk=session.pk) == before


@pytest.mark.parametrize("body", [{}, {"status": "done"}, {"progress_percentage": 101}, {"current_stage": 3}])
def test_a_malformed_transition_is_400(api_as, body):
    agent = api_as("agent")
    session = TechSpecSessionFactory(user_id=agent.user_id)
    assert_error(agent.client.patch(f"/api/sessions/{session.id}/", body, format="json"), 400)
