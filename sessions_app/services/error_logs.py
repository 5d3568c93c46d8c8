"""Recording the agent's errors and marking them recovered."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from sessions_app.errors import Id, InvalidValue
from sessions_app.models import AgentErrorLog, TechSpecSession
from sessions_app.services._common import optional_text, required_text, uuid_argument


@transaction.atomic
def error_record(*, session: TechSpecSession, node: str, error_type: str, message: str, stack_trace: str = "",
                 retry_count: int = 0, recovery_strategy: str = "") -> AgentErrorLog:
    """Record an error one of the agent's nodes hit (not recovered yet)."""
    node = required_text("node", node, max_length=100)
    error_type = required_text("error_type", error_type, max_length=100)
    message = required_text("message", message)
    if isinstance(retry_count, bool) or not isinstance(retry_count, int) or retry_count < 0:
        raise InvalidValue("retry_count", "retry_count must be an integer of 0 or more.")
    recovery_strategy = optional_text("recovery_strategy", recovery_strategy)
    if len(recovery_strategy) > AgentErrorLog._meta.get_field("recovery_strategy").max_length:
        raise InvalidValue("recovery_strategy", "recovery_strategy is at most 100 characters.")
    return AgentErrorLog.objects.create(
        session_id=session.pk, node=node, error_type=error_type, message=message,
        stack_trace=optional_text("stack_trace", stack_trace), retry_count=retry_count,
        recovery_strategy=recovery_strategy,
    )


@transaction.atomic
def errors_set_recovered(*, error_ids: Iterable[Id], recovered: bool, session: TechSpecSession | None = None) -> int:
    """Mark errors recovered (or reopen them); returns how many rows actually changed.

    Ids that name no error (or an error of another session, when `session` is
    given) are skipped, like rows already in the requested state.
    """
    ids = [uuid_argument("error_ids", error_id) for error_id in error_ids]
    rows = AgentErrorLog.objects.filter(pk__in=ids).exclude(recovered=bool(recovered))
    if session is not None:
        rows = rows.filter(session_id=session.pk)
    return rows.update(recovered=bool(recovered)) if ids else 0


@transaction.atomic
def error_group_set_recovered(*, node: str, error_type: str, recovered: bool) -> int:
    """Mark every error of one (node, error type) recovered (or reopen them all); returns how many changed."""
    node = required_text("node", node, max_length=100)
    error_type = required_text("error_type", error_type, max_length=100)
    rows = AgentErrorLog.objects.filter(node=node, error_type=error_type).exclude(recovered=bool(recovered))
    return rows.update(recovered=bool(recovered))
