"""Domain errors shared by every app, and the one JSON shape every API error takes.

Services and loaders raise these; the API's exception handler maps the three
families to 404, 409 and 400 in one JSON shape, the admin shows the message,
and commands print it. `code` is stable and machine-readable; `message` is for
people; `details` carries structured extras (for example the missing documents).

The shape lives here, not in the API package, because the project's middleware and
last-resort error views answer in it too, and the project does not import the API layer:

    {"error": {"code": "conflict", "message": "...", "fields": {...}, "details": {...}}}
"""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse


class DomainError(Exception):
    """A business rule said no. Nothing was written."""

    code = "domain_error"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None):
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


def error_body(code: str, message: str, *, fields=None, details=None) -> dict:
    error = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    if details:
        error["details"] = details
    return {"error": _encodable(error)}


def _encodable(value):
    """Error messages echo the input ("'\\ud800' is not a valid choice"); an unpaired
    surrogate there would make the response itself unencodable, a 500."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {_encodable(key): _encodable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_encodable(item) for item in value]
    return value


def error_response(http_status: int, code: str, message: str, **extra) -> JsonResponse:
    """For code outside DRF views (middleware, plain Django views)."""
    return JsonResponse(error_body(code, message, **extra), status=http_status)
