"""Starting a session from a design job, and the session state machine."""

from __future__ import annotations

import uuid

import pytest

from design_bridge.errors import DesignJobNotCompleted, DesignJobNotFound, DesignOutputsMissing
from design_bridge.models import DesignOutputType
from sessions_app.errors import DesignJobProjectMismatch, IllegalTransition, InvalidValue, SessionNotFound
from sessions_app.models import TechSpecSession
from sessions_app.services import session_start, session_transition
from tests.factories import DesignDecisionFactory, DesignJobFactory, DesignOutputFactory, TechSpecSessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def job():
    return DesignJobFactory(with_outputs=True)


def start(job, user_id=None):
    return session_start(project_id=job.project_id, design_job_id=job.id, user_id=user_id or uuid.uuid4())


# --- session_start -------------------------------------------------------------


def test_start_creates_a_pending_session_at_initialization(job):
    result = start(job)
    session = TechSpecSession.objects.get(pk=result.session.pk)
    assert result.created is True
    assert (session.status, session.current_stage, session.progress_percentage) == ("pending", "initialization", 0)
    assert session.design_job_id == job.id and session.project_id == job.project_id


def test_start_points_the_websocket_url_at_the_session(job):
    session = start(job).session
    assert TechSpecSession.objects.get(pk=session.pk).websocket_url == f"/ws/tech-spec/{session.id}"


def test_start_snapshots_the_job_without_its_documents(job):
    DesignDecisionFactory.create_batch(2, job=job)
    DesignOutputFactory(job=job, output_type=DesignOutputType.AI_STUDIO_CODE, file_path="/code.zip", content="")
    snapshot = TechSpecSession.objects.get(pk=start(job).session.pk).session_data["design_job"]
    assert snapshot["id"] == str(job.id)
    assert snapshot["status"] == "completed"
    assert snapshot["completed_at"] == job.completed_at.isoformat()
    assert snapshot["decision_count"] == 2
    assert snapshot["ai_studio_code_path"] == "/code.zip"
    body = {t: len(f"# {t}\n\nDocument body.") for t in ("design_system", "prd", "screen_specs", "ux_flow")}
    assert snapshot["output_sizes"] == {"ai_studio_code": 0, **body}
    assert "Document body" not in str(snapshot)


def test_second_start_for_the_same_job_and_user_returns_the_active_session(job):
    user_id = uuid.uuid4()
    first = start(job, user_id)
    second = start(job, user_id)
    assert second.created is False
    assert second.session.pk == first.session.pk
    assert TechSpecSession.objects.filter(design_job=job).count() == 1


def test_another_user_gets_a_session_of_their_own(job):
    first = start(job)
    second = start(job)
    assert second.created is True and second.session.pk != first.session.pk


@pytest.mark.parametrize("finished", ["completed", "failed", "cancelled"])
def test_a_finished_session_does_not_block_a_new_start(job, finished):
    user_id = uuid.uuid4()
    extra = {"completed": True} if finished == "completed" else {"status": finished}
    old = TechSpecSessionFactory(design_job=job, user_id=user_id, **extra)
    result = start(job, user_id)
    assert result.created is True and result.session.pk != old.pk


def test_start_from_a_missing_job_raises_not_found_and_writes_nothing():
    with pytest.raises(DesignJobNotFound):
        session_start(project_id=uuid.uuid4(), design_job_id=uuid.uuid4(), user_id=uuid.uuid4())
    assert not TechSpecSession.objects.exists()


def test_start_from_an_unfinished_job_conflicts_and_writes_nothing():
    job = DesignJobFactory(status="running", with_outputs=True)
    with pytest.raises(DesignJobNotCompleted):
        start(job)
    assert not TechSpecSession.objects.exists()


def test_start_for_another_project_raises_project_mismatch(job):
    with pytest.raises(DesignJobProjectMismatch) as caught:
        session_start(project_id=uuid.uuid4(), design_job_id=job.id, user_id=uuid.uuid4())
    assert caught.value.details["design_job_project_id"] == str(job.project_id)
    assert not TechSpecSession.objects.exists()


def test_start_without_all_required_outputs_lists_the_missing_ones():
    job = DesignJobFactory()
    DesignOutputFactory(job=job, output_type=DesignOutputType.PRD)
    with pytest.raises(DesignOutputsMissing) as caught:
        start(job)
    assert caught.value.details["missing"] == ["design_system", "screen_specs", "ux_flow"]
    assert not TechSpecSession.objects.exists()


def test_start_with_a_malformed_user_id_is_invalid_input(job):
    with pytest.raises(InvalidValue) as caught:
        session_start(project_id=job.project_id, design_job_id=job.id, user_id="someone")
    assert caught.value.details["field"] == "user_id"


# --- session_transition --------------------------------------------------------


def transition(session, **changes):
    return session_transition(session_id=session.pk, **changes)


def reloaded(session):
    return TechSpecSession.objects.get(pk=session.pk)


@pytest.fixture
def running():
    return TechSpecSessionFactory(status="in_progress", current_stage="research", progress_percentage=30)


def walk_to_validation(session):
    for stage, progress in [("analysis", 10), ("generation", 70), ("validation", 90)]:
        transition(session, status="in_progress", stage=stage, progress=progress)


def test_pending_session_starts_working():
    session = TechSpecSessionFactory()
    transition(session, status="in_progress", stage="analysis", progress=5)
    row = reloaded(session)
    assert (row.status, row.current_stage, row.progress_percentage) == ("in_progress", "analysis", 5)


def test_stage_and_progress_move_forward_while_in_progress(running):
    transition(running, stage="decisions", progress=45)
    assert (reloaded(running).current_stage, reloaded(running).progress_percentage) == ("decisions", 45)


def test_waiting_for_the_user_and_resuming_are_allowed(running):
    transition(running, status="waiting_user", stage="decisions")
    transition(running, status="in_progress")
    assert reloaded(running).status == "in_progress"


def test_completing_sets_stage_progress_and_completed_at():
    session = TechSpecSessionFactory()
    walk_to_validation(session)
    transition(session, status="completed")
    row = reloaded(session)
    assert (row.status, row.current_stage, row.progress_percentage) == ("completed", "completed", 100)
    assert row.completed_at is not None


def test_completing_before_validation_is_illegal(running):
    with pytest.raises(IllegalTransition):
        transition(running, status="completed")
    assert reloaded(running).status == "in_progress"


def test_progress_never_goes_backwards(running):
    with pytest.raises(IllegalTransition) as caught:
        transition(running, progress=20)
    assert "backwards" in caught.value.message
    assert reloaded(running).progress_percentage == 30


def test_progress_of_100_without_completing_is_illegal(running):
    with pytest.raises(IllegalTransition):
        transition(running, progress=100)
    assert reloaded(running).progress_percentage == 30


def test_stage_completed_without_completing_is_illegal(running):
    with pytest.raises(IllegalTransition):
        transition(running, stage="completed")


def test_a_stage_outside_the_table_is_illegal_and_changes_nothing(running):
    with pytest.raises(IllegalTransition) as caught:
        transition(running, stage="validation", progress=80)
    row = reloaded(running)
    assert (row.current_stage, row.progress_percentage) == ("research", 30)
    assert caught.value.details["current"] == {"status": "in_progress", "stage": "research", "progress": 30}


def test_validation_may_loop_back_to_generation():
    session = TechSpecSessionFactory()
    walk_to_validation(session)
    transition(session, stage="generation", progress=92)
    assert reloaded(session).current_stage == "generation"


def test_a_pending_session_cannot_move_its_stage_without_starting():
    session = TechSpecSessionFactory()
    with pytest.raises(IllegalTransition):
        transition(session, stage="analysis")


@pytest.mark.parametrize("final", ["failed", "cancelled"])
def test_a_working_session_may_fail_or_be_cancelled_keeping_its_progress(running, final):
    transition(running, status=final)
    row = reloaded(running)
    assert (row.status, row.progress_percentage, row.completed_at) == (final, 30, None)


@pytest.mark.parametrize("final", ["failed", "cancelled"])
def test_a_finished_session_never_changes_again(final):
    session = TechSpecSessionFactory(status=final)
    with pytest.raises(IllegalTransition):
        transition(session, status="in_progress")
    assert reloaded(session).status == final


def test_a_completed_session_never_changes_again():
    session = TechSpecSessionFactory(completed=True)
    with pytest.raises(IllegalTransition):
        transition(session, status="failed")


def test_pending_cannot_jump_to_waiting_user():
    session = TechSpecSessionFactory()
    with pytest.raises(IllegalTransition) as caught:
        transition(session, status="waiting_user")
    assert caught.value.code == "illegal_transition"


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"status": "sleeping"}, "status"), ({"stage": "dreaming"}, "stage"), ({"progress": 101}, "progress"),
     ({"progress": -1}, "progress"), ({}, "status")],
)
def test_unknown_values_are_invalid_input(running, changes, field):
    with pytest.raises(InvalidValue) as caught:
        transition(running, **changes)
    assert caught.value.details["field"] == field


def test_transition_of_a_missing_session_raises_session_not_found():
    with pytest.raises(SessionNotFound):
        session_transition(session_id=uuid.uuid4(), status="in_progress")


def test_transition_bumps_updated_at(running):
    before = reloaded(running).updated_at
    transition(running, progress=31)
    assert reloaded(running).updated_at > before
