"""Mass assignment: server-owned fields in a request body are ignored; the stored row shows
the server's values."""

from __future__ import annotations

import uuid

import pytest

from tests.factories import TechSpecSessionFactory
from tests.support.hostile_input import World, client_for

pytestmark = pytest.mark.django_db

PAST = "2001-01-01T00:00:00Z"
OPTIONS = [{"name": "Redis"}, {"name": "Memcached"}]


def staff(world: World):
    return client_for(world, "staff")


def test_start_ignores_user_status_id_and_timestamps_in_the_body(hostile_world):
    from sessions_app.models import TechSpecSession

    TechSpecSession.objects.all().delete()
    forged = str(uuid.uuid4())
    body = {"design_job_id": hostile_world.ids["job"], "user_id": str(uuid.uuid4()), "status": "completed",
            "id": forged, "current_stage": "completed", "progress_percentage": 100, "created_at": PAST,
            "completed_at": PAST}
    response = client_for(hostile_world, "owner").post(
        f"/api/projects/{hostile_world.ids['project']}/start-tech-spec", body, format="json")
    assert response.status_code == 201, response.content
    row = TechSpecSession.objects.get(pk=response.json()["session_id"])
    assert row.status != "completed" and row.current_stage != "completed"
    assert row.user_id == hostile_world.user_id and str(row.pk) != forged and row.created_at.year > 2001
    assert row.completed_at is None and row.progress_percentage < 100


def test_a_trd_upload_cannot_choose_its_version_session_or_timestamp(hostile_world):
    from sessions_app.models import GeneratedTRDDocument

    other = TechSpecSessionFactory()
    body = {"trd_content": "# TRD", "version": 99, "id": str(uuid.uuid4()), "session_id": str(other.id),
            "session": str(other.id), "created_at": PAST}
    response = staff(hostile_world).post(f"/api/sessions/{hostile_world.ids['session']}/trd-versions/", body,
                                          format="json")
    assert response.status_code == 201, response.content
    row = GeneratedTRDDocument.objects.get(pk=response.json()["id"])
    assert (row.version, str(row.session_id)) == (2, hostile_world.ids["session"])
    assert str(row.pk) != body["id"] and row.created_at.year > 2001


def test_a_message_cannot_choose_its_timestamp_id_or_session(hostile_world):
    from sessions_app.models import TechConversation

    other = TechSpecSessionFactory()
    body = {"role": "agent", "message": "hi", "timestamp": PAST, "id": str(uuid.uuid4()), "session_id": str(other.id)}
    response = staff(hostile_world).post(f"/api/sessions/{hostile_world.ids['session']}/conversations/", body,
                                          format="json")
    assert response.status_code == 201, response.content
    row = TechConversation.objects.get(pk=response.json()["id"])
    assert str(row.session_id) == hostile_world.ids["session"]
    assert row.timestamp.year > 2001 and str(row.pk) != body["id"]


def test_an_error_report_cannot_mark_itself_recovered(hostile_world):
    from sessions_app.models import AgentErrorLog

    body = {"node": "research", "error_type": "E", "message": "m", "recovered": True, "created_at": PAST}
    response = staff(hostile_world).post(f"/api/sessions/{hostile_world.ids['session']}/errors/", body,
                                          format="json")
    assert response.status_code == 201, response.content
    row = AgentErrorLog.objects.get(pk=response.json()["id"])
    assert row.recovered is False and row.created_at.year > 2001


def test_research_cannot_arrive_already_decided(hostile_world):
    from sessions_app.models import TechResearch

    body = {"technology_category": "cache", "gap_description": "g", "researched_options": OPTIONS,
            "selected_technology": "Redis", "decision_timestamp": PAST, "is_custom_selection": True}
    response = staff(hostile_world).post(f"/api/sessions/{hostile_world.ids['session']}/research/", body,
                                          format="json")
    assert response.status_code == 201, response.content
    row = TechResearch.objects.get(pk=response.json()["id"])
    assert (row.selected_technology, row.decision_timestamp, row.is_custom_selection) in (("", None, False),
                                                                                          (None, None, False))


def test_a_transition_changes_only_status_stage_and_progress(hostile_world):
    from sessions_app.models import TechSpecSession

    before = TechSpecSession.objects.get(pk=hostile_world.ids["session"])
    body = {"progress_percentage": 40, "user_id": str(uuid.uuid4()), "design_job_id": str(uuid.uuid4()),
            "project_id": str(uuid.uuid4()), "created_at": PAST, "id": str(uuid.uuid4()), "session_data": {"x": 1}}
    response = staff(hostile_world).patch(f"/api/sessions/{hostile_world.ids['session']}/", body,
                                          format="json")
    assert response.status_code == 200, response.content
    after = TechSpecSession.objects.get(pk=hostile_world.ids["session"])
    assert after.progress_percentage == 40
    assert (after.user_id, after.design_job_id, after.project_id, after.created_at, after.session_data) == (
        before.user_id, before.design_job_id, before.project_id, before.created_at, before.session_data)
