"""fixtures/demo.json: a small, coherent data set that loads into an empty database."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from design_bridge.models import REQUIRED_OUTPUT_TYPES, DesignDecision, DesignJob, DesignOutput
from sessions_app.models import (
    AgentErrorLog,
    GeneratedTRDDocument,
    TechConversation,
    TechResearch,
    TechSpecSession,
)
from tests.factories import TechSpecSessionFactory

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo.json"


@pytest.fixture
def demo():
    assert not TechSpecSession.objects.exists() and not DesignJob.objects.exists()
    call_command("loaddata", str(DEMO), verbosity=0)


def test_demo_loads_two_jobs_and_four_sessions_across_statuses(demo):
    assert DesignJob.objects.filter(status="completed").count() == 2
    assert DesignOutput.objects.count() == 10
    assert DesignDecision.objects.count() == 4
    assert sorted(TechSpecSession.objects.values_list("status", flat=True)) == [
        "completed", "failed", "in_progress", "waiting_user"]
    assert TechResearch.objects.count() == 6
    assert TechConversation.objects.count() == 17
    assert GeneratedTRDDocument.objects.count() == 1
    assert AgentErrorLog.objects.count() == 4


def test_every_demo_session_starts_from_a_job_with_all_required_documents(demo):
    for session in TechSpecSession.objects.select_related("design_job"):
        job = session.design_job
        assert job.status == "completed" and session.project_id == job.project_id
        assert session.created_at > job.completed_at
        assert set(REQUIRED_OUTPUT_TYPES) <= set(job.outputs.values_list("output_type", flat=True))


def test_demo_decisions_name_a_researched_option_and_messages_link_their_own_session(demo):
    decided = TechResearch.objects.exclude(selected_technology="")
    assert decided.count() == 4
    for research in decided:
        assert research.selected_technology in [o["name"] for o in research.researched_options]
    for message in TechConversation.objects.filter(research__isnull=False).select_related("research"):
        assert message.research.session_id == message.session_id
    waiting = TechSpecSession.objects.get(status="waiting_user")
    assert waiting.research.filter(selected_technology="").count() == 1


def test_demo_completed_session_has_its_trd_and_failed_session_ends_unrecovered(demo):
    completed = TechSpecSession.objects.get(status="completed")
    assert completed.trd_documents.get().version == 1
    failed = TechSpecSession.objects.get(status="failed")
    assert not failed.error_logs.order_by("-created_at").first().recovered


def test_demo_conversations_alternate_roles_in_time_order(demo):
    for session in TechSpecSession.objects.all():
        messages = list(session.conversations.order_by("timestamp", "id"))
        assert messages
        for before, after in zip(messages, messages[1:], strict=False):
            assert before.role != after.role and before.timestamp < after.timestamp


def test_ensure_demo_data_fills_an_empty_database_once():
    call_command("ensure_demo_data", stdout=io.StringIO())
    assert TechSpecSession.objects.count() == 4
    call_command("ensure_demo_data", stdout=io.StringIO())
    assert TechSpecSession.objects.count() == 4


def test_ensure_demo_data_leaves_a_database_with_sessions_alone():
    TechSpecSessionFactory()
    out = io.StringIO()
    call_command("ensure_demo_data", stdout=out)
    assert TechSpecSession.objects.count() == 1
    assert "not loaded" in out.getvalue()


def test_ensure_demo_data_never_writes_shared_in_verify_mode(settings):
    settings.DESIGN_BRIDGE_MODE = "verify"
    call_command("ensure_demo_data", stdout=io.StringIO())
    assert not DesignJob.objects.exists()
