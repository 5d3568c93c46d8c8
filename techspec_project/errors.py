"""Domain errors shared by every app.

Services and loaders raise these; the API's exception handler maps the three
families to 404, 409 and 400 in one JSON shape, the admin shows the message,
and commands print it. `code` is stable and machine-readable; `message` is for
people; `details` carries structured extras (for example the missing documents).
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A business rule said no. Nothing was written."""

    code = "domain_error"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class NotFound(DomainError):
    """The object does not exist (or the caller may not see it)."""

    code = "not_found"


class Conflict(DomainError):
    """The request is valid but the current state forbids it (HTTP 409)."""

    code = "conflict"


class InvalidInput(DomainError):
    """The input breaks a rule that only the domain can check (HTTP 400)."""

    code = "invalid"
