"""Errors of the session services and selectors (families in techspec_project/errors.py).

Each class has a stable `code`, a message that says what to do next, and
`details` with the ids involved, so the API can render them without parsing text.
"""

from __future__ import annotations

import uuid
from typing import Any

from techspec_project.errors import Conflict, DomainError, InvalidInput, NotFound
from techspec_project.uuids import lenient_uuid

# Ids arrive as UUIDs (Python callers) or strings (URLs, JSON); a malformed one names nothing.
Id = uuid.UUID | str


class SessionNotFound(NotFound):
    """No session has this id, or the caller may not see it (the two are never told apart)."""

    code = "session_not_found"

    def __init__(self, session_id):
        super().__init__(f"Tech spec session {session_id} not found.", details={"session_id": str(session_id)})


class ResearchNotFound(NotFound):
    """No research item has this id (in this session, when a session was named)."""

    code = "research_not_found"

    def __init__(self, research_id, session_id=None):
        where = f" in session {session_id}" if session_id is not None else ""
        details = {"research_id": str(research_id)}
        if session_id is not None:
            details["session_id"] = str(session_id)
        super().__init__(f"Research item {research_id} not found{where}.", details=details)


class ErrorLogNotFound(NotFound):
    """No agent error has this id, or it belongs to a session the caller may not see."""

    code = "error_log_not_found"

    def __init__(self, error_id):
        super().__init__(f"Agent error {error_id} not found.", details={"error_id": str(error_id)})


class TRDNotFound(NotFound):
    """The session has no TRD document (of this version, when one was asked for)."""

    code = "trd_not_found"

    def __init__(self, session_id, version: int | None = None):
        what = f"version {version}" if version is not None else "any version"
        super().__init__(
            f"Session {session_id} has no TRD document ({what}).",
            details={"session_id": str(session_id), "version": version},
        )


class DesignJobProjectMismatch(Conflict):
    """The design job belongs to another project than the one the session is started for."""

    code = "design_job_project_mismatch"

    def __init__(self, design_job_id, project_id, job_project_id):
        super().__init__(
            f"Design job {design_job_id} belongs to project {job_project_id}, not to project {project_id}.",
            details={
                "design_job_id": str(design_job_id),
                "project_id": str(project_id),
                "design_job_project_id": str(job_project_id),
            },
        )


class IllegalTransition(Conflict):
    """The session's state machine does not allow this change (see docs/DOMAIN.md)."""

    code = "illegal_transition"

    def __init__(self, reason: str, *, current: dict[str, Any], requested: dict[str, Any]):
        super().__init__(f"Illegal session transition: {reason}", details={"current": current, "requested": requested})


class DecisionAlreadyRecorded(Conflict):
    """The research item already has a decision; decisions are recorded once."""

    code = "decision_already_recorded"

    def __init__(self, research_id, technology: str):
        super().__init__(
            f"Research item {research_id} already has a decision ({technology}).",
            details={"research_id": str(research_id), "selected_technology": technology},
        )


class TechnologyNotInOptions(InvalidInput):
    """The chosen technology is not one of the researched options and was not marked custom."""

    code = "technology_not_in_options"

    def __init__(self, research_id, technology: str, options: list[str]):
        super().__init__(
            f"{technology!r} is not one of the researched options ({', '.join(options)}); "
            "choose one of them or mark the decision as custom.",
            details={"research_id": str(research_id), "technology": technology, "options": options},
        )


class InvalidValue(InvalidInput):
    """One argument breaks a rule of the domain; `details.field` names it."""

    code = "invalid_value"

    def __init__(self, field: str, message: str, **extra: Any):
        super().__init__(message, details={"field": field, **extra})


class InvalidCursor(InvalidInput):
    """A page cursor that this service did not issue (a list's or the conversation selector's)."""

    code = "invalid_cursor"

    def __init__(self, cursor):
        super().__init__(
            "The page cursor is not valid; pass back the cursor of a page's next or previous link, unchanged.",
            details={"cursor": str(cursor)[:200]},
        )


def as_uuid(value: object, error: type[DomainError] | Any) -> uuid.UUID:
    """`value` as a UUID (lenient_uuid); a malformed id names nothing, so it raises `error(value)` (a not-found)."""
    parsed = lenient_uuid(value)
    if parsed is None:
        raise error(value)
    return parsed
