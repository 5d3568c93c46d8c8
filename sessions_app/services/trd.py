"""Storing generated TRD documents as numbered versions."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max

from sessions_app.errors import Id, InvalidValue
from sessions_app.models import GeneratedTRDDocument
from sessions_app.services._common import json_object, lock_session, optional_text, required_text

CENT = Decimal("0.01")


def _quality_score(value: object) -> Decimal | None:
    if value is None:
        return None
    try:
        score = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        score = None
    if isinstance(value, bool) or score is None or not Decimal(0) <= score <= Decimal(100):
        raise InvalidValue("quality_score", "quality_score must be a number from 0 to 100.")
    return score


@transaction.atomic
def trd_store(
    *,
    session_id: Id,
    trd_content: str,
    api_specification: str = "",
    database_schema: str = "",
    architecture_diagram: str = "",
    tech_stack_document: str = "",
    quality_score: Decimal | float | int | str | None = None,
    validation_report: dict[str, Any] | None = None,
) -> GeneratedTRDDocument:
    """Store the session's next TRD version (previous highest + 1; the first is 1)."""
    fields = {
        "trd_content": required_text("trd_content", trd_content),
        "api_specification": optional_text("api_specification", api_specification),
        "database_schema": optional_text("database_schema", database_schema),
        "architecture_diagram": optional_text("architecture_diagram", architecture_diagram),
        "tech_stack_document": optional_text("tech_stack_document", tech_stack_document),
        "quality_score": _quality_score(quality_score),
        "validation_report": json_object("validation_report", validation_report),
    }
    # Writers of one session queue on its row lock, so max+1 is never read twice:
    # versions stay 1, 2, 3, ... without gaps or duplicates.
    session = lock_session(session_id)
    latest = GeneratedTRDDocument.objects.filter(session_id=session.pk).aggregate(v=Max("version"))["v"]
    return GeneratedTRDDocument.objects.create(session_id=session.pk, version=(latest or 0) + 1, **fields)
