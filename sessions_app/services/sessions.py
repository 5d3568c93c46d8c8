"""Starting a session from a design job, and the session state machine.

The two tables below are the state machine; docs/DOMAIN.md prints them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from design_bridge.errors import DesignJobNotFound, DesignOutputsMissing
from design_bridge.services import DesignJobManifest, ensure_completed, load_design_job_manifest
from sessions_app.choices import ACTIVE_STATUSES, SessionStage, SessionStatus
from sessions_app.errors import DesignJobProjectMismatch, Id, IllegalTransition, InvalidValue
from sessions_app.models import TechSpecSession
from sessions_app.services._common import lock_session, uuid_argument, violated_constraint

S, G = SessionStatus, SessionStage

# Allowed status changes. Completed, failed and cancelled are final: a new run
# of the same job is a new session (session_start creates one once none is active).
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING: frozenset({S.IN_PROGRESS, S.FAILED, S.CANCELLED}),
    S.IN_PROGRESS: frozenset({S.WAITING_USER, S.COMPLETED, S.FAILED, S.CANCELLED}),
    S.WAITING_USER: frozenset({S.IN_PROGRESS, S.FAILED, S.CANCELLED}),
    S.COMPLETED: frozenset(),
    S.FAILED: frozenset(),
    S.CANCELLED: frozenset(),
}

# Allowed stage changes: forward through the pipeline, skipping research and
# decisions when analysis finds no gap and code analysis when there is no AI
# Studio code; two loops back (more research after the user's decisions, a new
# generation after a failed validation). `completed` only by completing.
STAGE_TRANSITIONS: dict[str, frozenset[str]] = {
    G.INITIALIZATION: frozenset({G.ANALYSIS}),
    G.ANALYSIS: frozenset({G.RESEARCH, G.CODE_ANALYSIS, G.GENERATION}),
    G.RESEARCH: frozenset({G.DECISIONS}),
    G.DECISIONS: frozenset({G.RESEARCH, G.CODE_ANALYSIS, G.GENERATION}),
    G.CODE_ANALYSIS: frozenset({G.GENERATION}),
    G.GENERATION: frozenset({G.VALIDATION}),
    G.VALIDATION: frozenset({G.GENERATION, G.COMPLETED}),
    G.COMPLETED: frozenset(),
}

# Stage and progress move only while the agent works on the session (or by completing it).
WORKING_STATUSES = frozenset({S.IN_PROGRESS, S.WAITING_USER})
FINAL_STATUSES = frozenset({S.COMPLETED, S.FAILED, S.CANCELLED})


@dataclass(frozen=True)
class SessionStartResult:
    """The session a start returned, and whether this call created it."""

    session: TechSpecSession
    created: bool


def _snapshot(manifest: DesignJobManifest) -> dict[str, Any]:
    # Sizes, not documents: the documents stay in shared.design_outputs.
    job = manifest.job
    return {
        "design_job": {
            "id": str(job.pk),
            "project_id": str(job.project_id),
            "status": job.status,
            "completed_at": job.completed_at.isoformat() if job.completed_at else None,
            "output_sizes": dict(sorted(manifest.output_sizes.items())),
            "ai_studio_code_path": manifest.ai_studio_code_path,
            "decision_count": manifest.decision_count,
        }
    }


def _active_session(design_job_id, user_id) -> TechSpecSession | None:
    return TechSpecSession.objects.filter(
        design_job_id=design_job_id, user_id=user_id, status__in=ACTIVE_STATUSES
    ).first()


def _checked_manifest(design_job_id, project_id: uuid.UUID, user_id: uuid.UUID) -> DesignJobManifest:
    manifest = load_design_job_manifest(design_job_id)
    job = manifest.job
    # Another user's design job is not theirs to build on, nor to learn about: it is "not found".
    if job.user_id is not None and job.user_id != user_id:
        raise DesignJobNotFound(design_job_id)
    ensure_completed(job)
    if job.project_id != project_id:
        raise DesignJobProjectMismatch(job.pk, project_id, job.project_id)
    if manifest.missing_outputs:
        raise DesignOutputsMissing(job.pk, manifest.missing_outputs)
    return manifest


def _inserted(session: TechSpecSession) -> bool:
    """Insert `session`; False if another active session of its job and user won the race."""
    try:
        # A savepoint, so that losing the race leaves the outer transaction usable.
        with transaction.atomic():
            session.save(force_insert=True)
        return True
    except IntegrityError as exc:
        if violated_constraint(exc) != "session_one_active_per_job_user":
            raise
        return False


def _new_session(manifest: DesignJobManifest, project_id: uuid.UUID, user_id: uuid.UUID) -> TechSpecSession:
    session_id = uuid.uuid4()
    return TechSpecSession(
        id=session_id,
        project_id=project_id,
        design_job_id=manifest.job.pk,
        user_id=user_id,
        status=S.PENDING,
        current_stage=G.INITIALIZATION,
        progress_percentage=0,
        session_data=_snapshot(manifest),
        websocket_url=f"/ws/tech-spec/{session_id}",
    )


@transaction.atomic
def session_start(*, project_id: Id, design_job_id: Id, user_id: Id) -> SessionStartResult:
    """Start a session for a completed design job of `project_id`, or return the active one.

    The design job must be the user's own (or record no user). A second start for the
    same design job and user while a session of theirs is
    pending, in progress or waiting for them returns that session (created=False).
    """
    project_id = uuid_argument("project_id", project_id)
    user_id = uuid_argument("user_id", user_id)
    manifest = _checked_manifest(design_job_id, project_id, user_id)
    # Losing the race means the unique index made us wait for the winner's commit,
    # so the next read sees it. Only a winner that already finished again (freeing
    # the slot) makes a second round necessary.
    for _ in range(3):
        existing = _active_session(manifest.job.pk, user_id)
        if existing is not None:
            return SessionStartResult(session=existing, created=False)
        session = _new_session(manifest, project_id, user_id)
        if _inserted(session):
            return SessionStartResult(session=session, created=True)
    raise RuntimeError("session_start could not settle a race after three attempts")  # pragma: no cover


def session_start_check(*, project_id: Id, design_job_id: Id, user_id: Id) -> None:
    """Raise what session_start would refuse, writing nothing (a form's clean() asks before saving)."""
    _checked_manifest(design_job_id, uuid_argument("project_id", project_id), uuid_argument("user_id", user_id))


def _validate_request(status, stage, progress) -> None:
    if status is None and stage is None and progress is None:
        raise InvalidValue("status", "Give at least one of status, stage or progress.")
    if status is not None and status not in S.values:
        raise InvalidValue("status", f"Unknown status {status!r}.", allowed=list(S.values))
    if stage is not None and stage not in G.values:
        raise InvalidValue("stage", f"Unknown stage {stage!r}.", allowed=list(G.values))
    is_int = isinstance(progress, int) and not isinstance(progress, bool)
    if progress is not None and not (is_int and 0 <= progress <= 100):
        raise InvalidValue("progress", "progress must be an integer from 0 to 100.")


def _state(session: TechSpecSession) -> dict[str, Any]:
    return {"status": session.status, "stage": session.current_stage, "progress": session.progress_percentage}


def _completion(session: TechSpecSession, stage, progress, refuse) -> dict[str, Any]:
    if stage not in (None, G.COMPLETED) or progress not in (None, 100):
        refuse("completing sets stage 'completed' and progress 100; do not ask for others.")
    if G.COMPLETED not in STAGE_TRANSITIONS[session.current_stage]:
        refuse(f"a session completes from stage 'validation', not from {session.current_stage!r}.")
    return {
        "status": S.COMPLETED,
        "current_stage": G.COMPLETED,
        "progress_percentage": 100,
        "completed_at": timezone.now(),
    }


def _stage_and_progress(session: TechSpecSession, status, stage, progress, refuse) -> dict[str, Any]:
    stage = stage or session.current_stage
    progress = session.progress_percentage if progress is None else progress
    moves = stage != session.current_stage or progress != session.progress_percentage
    if moves and status not in WORKING_STATUSES:
        refuse(f"stage and progress change only while in progress or waiting for the user, not {status!r}.")
    if stage == G.COMPLETED:
        refuse("stage 'completed' is reached only by completing the session (status 'completed').")
    if stage != session.current_stage and stage not in STAGE_TRANSITIONS[session.current_stage]:
        refuse(f"stage {session.current_stage!r} cannot move to {stage!r}.")
    if progress < session.progress_percentage:
        refuse(f"progress never goes backwards ({session.progress_percentage} to {progress}).")
    if progress == 100:
        refuse("progress is 100 only when the session completes (status 'completed').")
    return {"status": status, "current_stage": stage, "progress_percentage": progress}


def _next_state(session: TechSpecSession, status, stage, progress) -> dict[str, Any]:
    """The fields to write for this request, or IllegalTransition."""

    def refuse(reason: str):
        raise IllegalTransition(
            reason, current=_state(session), requested={"status": status, "stage": stage, "progress": progress}
        )

    if session.status in FINAL_STATUSES:
        refuse(f"the session is {session.status}; a finished session does not change.")
    target = status or session.status
    if target != session.status and target not in STATUS_TRANSITIONS[session.status]:
        allowed = ", ".join(sorted(STATUS_TRANSITIONS[session.status]))
        refuse(f"status {session.status!r} cannot become {target!r} (allowed: {allowed}).")
    if target == S.COMPLETED:
        return _completion(session, stage, progress, refuse)
    return _stage_and_progress(session, target, stage, progress, refuse)


def session_transition_check(*, session: TechSpecSession, status: str | None = None, stage: str | None = None,
                             progress: int | None = None) -> None:
    """Raise what session_transition would refuse for `session` as given, writing nothing.

    For a form's clean(); session_transition checks again under the row lock.
    """
    _validate_request(status, stage, progress)
    _next_state(session, status, stage, progress)


@transaction.atomic
def session_transition(*, session_id: Id, status: str | None = None, stage: str | None = None,
                       progress: int | None = None) -> TechSpecSession:
    """Move a session along the state machine (STATUS_TRANSITIONS, STAGE_TRANSITIONS)."""
    _validate_request(status, stage, progress)
    session = lock_session(session_id)
    changes = _next_state(session, status, stage, progress)
    changed = [field for field, value in changes.items() if getattr(session, field) != value]
    if changed:
        for field in changed:
            setattr(session, field, changes[field])
        session.save(update_fields=[*changed, "updated_at"])
    return session
