"""Helpers the session services share: locking rows, checking arguments.

A service that writes a session's child rows takes the `session` its caller resolved
(the API through session_get, with the caller's visibility): holding the row is the
proof it exists, so the service does not look it up again.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import IntegrityError

from sessions_app.errors import Id, InvalidValue, SessionNotFound, as_uuid
from sessions_app.models import TechSpecSession
from techspec_project.uuids import lenient_uuid


def lock_session(session_id: Id) -> TechSpecSession:
    """The session row, locked until the transaction ends.

    FOR NO KEY UPDATE, not FOR UPDATE: it serialises the writers of the session
    row (transitions, TRD versions) without blocking inserts of its children,
    whose foreign keys only need FOR KEY SHARE.
    """
    pk = as_uuid(session_id, SessionNotFound)
    try:
        return TechSpecSession.objects.select_for_update(no_key=True).get(pk=pk)
    except TechSpecSession.DoesNotExist:
        raise SessionNotFound(session_id) from None


def required_text(field: str, value: Any, max_length: int | None = None) -> str:
    """`value` unchanged, if it is a string with something besides whitespace (and fits its column)."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue(field, f"{field} must be a non-empty string.")
    if max_length is not None and len(value) > max_length:
        raise InvalidValue(field, f"{field} is at most {max_length} characters.", max_length=max_length)
    return value


def optional_text(field: str, value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidValue(field, f"{field} must be a string.")
    return value


def json_object(field: str, value: Any) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidValue(field, f"{field} must be a JSON object.")
    return value


def uuid_argument(field: str, value: Any) -> uuid.UUID:
    parsed = lenient_uuid(value)
    if parsed is None:
        raise InvalidValue(field, f"{field} must be a UUID, not {value!r}.")
    return parsed


def violated_constraint(exc: IntegrityError) -> str | None:
    """The name of the constraint PostgreSQL reported, if any."""
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)
