"""The five planned endpoints: success paths and every documented error status."""

from __future__ import annotations

import uuid

import pytest

from design_bridge.models import DesignJobStatus
from sessions_app.models import TechConversation, TechResearch, TechSpecSession
from tests.factories import (
    DesignJobFactory,
    DesignOutputFactory,
    GeneratedTRDDocumentFactory,
    TechResearchFactory,
    TechSpecSessionFactory,
)
from tests.support.api import assert_error

pytestmark = pytest.mark.django_db


def start_url(project_id) -> str:
    return f"/api/projects/{project_id}/start-tech-spec"


# --- start-tech-spec -------------------------------------------------------------


def test_start_creates_a_pending_session_for_the_caller(api_as):
    caller = api_as()
    job = DesignJobFactory(with_outputs=True, user_id=caller.user_id)

    response = caller.client.post(start_url(job.project_id), {"design_job_id": str(job.id)}, format="json")

    assert response.status_code == 201
    body = response.json()
    session = TechSpecSession.objects.get(pk=body["session_id"])
    assert (session.user_id, session.project_id, session.status) == (caller.user_id, job.project_id, "pending")
    assert body["websocket_url"] == session.websocket_url and body["current_stage"] == "initialization"


def test_second_start_returns_the_active_session_with_200(api_as):
    caller = api_as()
    job = DesignJobFactory(with_outputs=True)
    first = caller.client.post(start_url(job.project_id), {"design_job_id": str(job.id)}, format="json")

    second = caller.client.post(start_url(job.project_id), {"design_job_id": str(job.id)}, format="json")

    assert second.status_code == 200
    assert second.json()["session_id"] == first.json()["session_id"]
    assert TechSpecSession.objects.filter(design_job=job).count() == 1


def test_start_with_unknown_design_job_is_404(api_as):
    response = api_as().client.post(start_url(uuid.uuid4()), {"design_job_id": str(uuid.uuid4())}, format="json")
    assert_error(response, 404)


def test_start_with_an_unfinished_job_is_409_naming_its_status(api_as):
    job = DesignJobFactory(with_outputs=True, status=DesignJobStatus.RUNNING)
    response = api_as().client.post(start_url(job.project_id), {"design_job_id": str(job.id)}, format="json")
    error = assert_error(response, 409)
    assert "running" in error["message"]


def test_start_with_a_job_of_another_project_is_409(api_as):
    job = DesignJobFactory(with_outputs=True)
    response = api_as().client.post(start_url(uuid.uuid4()), {"design_job_id": str(job.id)}, format="json")
    assert_error(response, 409)
    assert not TechSpecSession.objects.exists()


def test_start_with_missing_documents_is_409_listing_them(api_as):
    job = DesignJobFactory()
    DesignOutputFactory(job=job, output_type="prd")
    response = api_as().client.post(start_url(job.project_id), {"design_job_id": str(job.id)}, format="json")
    error = assert_error(response, 409)
    assert error["details"]["missing"] == ["design_system", "screen_specs", "ux_flow"]


@pytest.mark.parametrize(
    ("project", "body"),
    [
        ("not-a-uuid", {"design_job_id": str(uuid.uuid4())}),
        (str(uuid.uuid4()), {"design_job_id": "nope"}),
        (str(uuid.uuid4()), {}),
        (str(uuid.uuid4()), ["design_job_id"]),
    ],
)
def test_start_with_malformed_input_is_400(api_as, project, body):
    response = api_as().client.post(start_url(project), body, format="json")
    assert_error(response, 400)
    assert not TechSpecSession.objects.exists()


# --- status ---------------------------------------------------------------------------


def test_status_summarises_the_session(api_as):
    caller = api_as()
    session = TechSpecSessionFactory(user_id=caller.user_id)
    TechResearchFactory(session=session)
    TechResearchFactory(session=session, decided=True)
    GeneratedTRDDocumentFactory(session=session, version=1, quality_score=91)

    body = caller.client.get(f"/api/tech-spec/sessions/{session.id}/status").json()

    assert body["session_id"] == str(session.id)
    assert (body["research_total"], body["research_awaiting_decision"]) == (2, 1)
    assert body["latest_trd_version"] == 1 and body["latest_trd_quality_score"] == "91.00"


def test_status_of_another_users_session_is_404(api_as):
    session = TechSpecSessionFactory()
    assert_error(api_as().client.get(f"/api/tech-spec/sessions/{session.id}/status"), 404)


def test_staff_see_any_session_status(api_as):
    session = TechSpecSessionFactory()
    assert api_as("staff").client.get(f"/api/tech-spec/sessions/{session.id}/status").status_code == 200


# --- decisions ------------------------------------------------------------------------


def decisions_url(session) -> str:
    return f"/api/tech-spec/sessions/{session.id}/decisions"


def test_decisions_are_recorded_with_their_conversation_messages(api_as):
    caller = api_as()
    session = TechSpecSessionFactory(user_id=caller.user_id)
    database, cache = TechResearchFactory(session=session), TechResearchFactory(session=session)
    cache.researched_options = [{"name": "Redis"}, {"name": "Memcached"}]
    cache.save()

    response = caller.client.post(decisions_url(session), {"decisions": [
        {"research_id": str(database.id), "selected_technology": "PostgreSQL", "reasoning": "JSONB"},
        {"research_id": str(cache.id), "selected_technology": "Redis", "reasoning": "pub/sub"},
    ]}, format="json")

    assert response.status_code == 201
    assert [r["selected_technology"] for r in response.json()] == ["PostgreSQL", "Redis"]
    assert TechConversation.objects.filter(session=session, role="user", message_type="decision").count() == 2


def test_a_decided_research_item_is_409_and_the_list_writes_nothing(api_as):
    caller = api_as()
    session = TechSpecSessionFactory(user_id=caller.user_id)
    fresh = TechResearchFactory(session=session)
    decided = TechResearchFactory(session=session, decided=True)

    response = caller.client.post(decisions_url(session), {"decisions": [
        {"research_id": str(fresh.id), "selected_technology": "PostgreSQL"},
        {"research_id": str(decided.id), "selected_technology": "MySQL"},
    ]}, format="json")

    assert_error(response, 409)
    fresh.refresh_from_db()
    assert fresh.selected_technology == ""
    assert not TechConversation.objects.filter(session=session).exists()


def test_decision_on_unknown_research_is_404(api_as):
    caller = api_as()
    session = TechSpecSessionFactory(user_id=caller.user_id)
    response = caller.client.post(decisions_url(session), {"decisions": [
        {"research_id": str(uuid.uuid4()), "selected_technology": "PostgreSQL"},
    ]}, format="json")
    assert_error(response, 404)


@pytest.mark.parametrize("body", [{}, {"decisions": []}, {"decisions": [{"research_id": "x"}]}])
def test_invalid_decisions_are_400(api_as, body):
    caller = api_as()
    session = TechSpecSessionFactory(user_id=caller.user_id)
    assert_error(caller.client.post(decisions_url(session), body, format="json"), 400)


def test_a_technology_outside_the_options_is_400_unless_custom(api_as):
    caller = api_as()
    session = TechSpecSessionFactory(user_id=caller.user_id)
    research = TechResearchFactory(session=session)
    body = {"decisions": [{"research_id": str(research.id), "selected_technology": "CouchDB"}]}
    assert_error(caller.client.post(decisions_url(session), body, format="json"), 400)

    body["decisions"][0]["custom"] = True
    assert caller.client.post(decisions_url(session), body, format="json").status_code == 201
    assert TechResearch.objects.get(pk=research.pk).is_custom_selection


# --- TRD --------------------------------------------------------------------------------


def test_trd_latest_as_json_and_an_older_version_on_request(api_as):
    caller = api_as()
    session = TechSpecSessionFactory(user_id=caller.user_id)
    GeneratedTRDDocumentFactory(session=session, version=1, trd_content="# v1")
    GeneratedTRDDocumentFactory(session=session, version=2, trd_content="# v2")
    url = f"/api/tech-spec/sessions/{session.id}/trd"

    assert caller.client.get(url).json()["version"] == 2
    assert caller.client.get(url, {"version": 1}).json()["trd_content"] == "# v1"
    assert_error(caller.client.get(url, {"version": 7}), 404)
    assert_error(caller.client.get(url, {"version": "x"}), 400)


@pytest.mark.parametrize("how", ["query", "accept"])
def test_trd_as_markdown_download(api_as, how):
    caller = api_as()
    session = TechSpecSessionFactory(user_id=caller.user_id)
    GeneratedTRDDocumentFactory(session=session, version=3, trd_content="# Title", database_schema="CREATE TABLE t;")
    url = f"/api/tech-spec/sessions/{session.id}/trd"

    if how == "query":
        response = caller.client.get(url, {"format": "md"})
    else:
        response = caller.client.get(url, HTTP_ACCEPT="text/markdown")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/markdown")
    assert f'filename="trd-{session.id}-v3.md"' in response["Content-Disposition"]
    text = response.content.decode()
    # The canonical document (tests/trd/test_markdown.py pins its layout): title block first,
    # the content as written, the schema fenced as SQL.
    assert text.startswith("# Technical Requirements Document, version 3\n")
    assert "\n# Title\n" in text and "## Database schema\n\n```sql\nCREATE TABLE t;\n```" in text


def test_no_trd_yet_is_404_in_json_even_for_markdown(api_as):
    caller = api_as()
    session = TechSpecSessionFactory(user_id=caller.user_id)
    response = caller.client.get(f"/api/tech-spec/sessions/{session.id}/trd", {"format": "md"})
    assert response["Content-Type"] == "application/json"
    assert_error(response, 404)


# --- health -------------------------------------------------------------------------------


def test_health_reports_every_part_ok_without_authentication(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "migrations": "ok", "shared_schema": "ok"}
