"""Errors of the Design Agent loaders (see techspec_project/errors.py for the families)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from techspec_project.errors import Conflict, NotFound

# Ids arrive as UUIDs (Python callers) or strings (URLs, JSON); a malformed one names nothing.
Id = uuid.UUID | str


class DesignJobNotFound(NotFound):
    """No Design Agent job has this id."""

    code = "design_job_not_found"

    def __init__(self, design_job_id: object) -> None:
        super().__init__(
            f"Design job {design_job_id} does not exist.", details={"design_job_id": str(design_job_id)}
        )


class DesignJobNotCompleted(Conflict):
    """The job exists but the Design Agent has not finished it."""

    code = "design_job_not_completed"

    def __init__(self, design_job_id: object, status: str) -> None:
        super().__init__(
            f"Design job {design_job_id} is not completed (status {status}); "
            "start a Tech Spec session once the Design Agent has finished it.",
            details={"design_job_id": str(design_job_id), "status": status},
        )


class DesignOutputsMissing(Conflict):
    """The job lacks one or more of the documents a Tech Spec session needs."""

    code = "design_outputs_missing"

    def __init__(self, design_job_id: object, missing: Iterable[str]) -> None:
        missing = sorted(str(m) for m in missing)
        super().__init__(
            f"Design job {design_job_id} lacks required output(s): {', '.join(missing)}.",
            details={"design_job_id": str(design_job_id), "missing": missing},
        )
