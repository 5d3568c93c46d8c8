"""Reads of TRD documents."""

from __future__ import annotations

from django.db.models import QuerySet

from sessions_app.errors import Id, SessionNotFound, TRDNotFound, as_uuid
from sessions_app.models import GeneratedTRDDocument
from sessions_app.selectors._common import visible_session_id, visible_sessions

# The documents themselves: large, and not needed to list versions.
TRD_TEXT_FIELDS = (
    "trd_content", "api_specification", "database_schema", "architecture_diagram", "tech_stack_document",
    "validation_report",
)


def trd_get(*, session_id: Id, owner_id: Id | None = None, version: int | None = None) -> GeneratedTRDDocument:
    """One TRD document: `version`, or the latest when None (one query when it exists)."""
    session_pk = as_uuid(session_id, SessionNotFound)
    documents = GeneratedTRDDocument.objects.filter(session__in=visible_sessions(owner_id).filter(pk=session_pk))
    if version is not None:
        documents = documents.filter(version=version)
    document = documents.order_by("-version").first()
    if document is None:
        visible_session_id(session_pk, owner_id)  # SessionNotFound beats TRDNotFound
        raise TRDNotFound(session_id, version)
    return document


def trd_versions(*, session_id: Id, owner_id: Id | None = None) -> QuerySet[GeneratedTRDDocument]:
    """A session's TRD versions, newest first, without the document texts."""
    session_pk = visible_session_id(session_id, owner_id)
    return GeneratedTRDDocument.objects.filter(session_id=session_pk).defer(*TRD_TEXT_FIELDS).order_by("-version")
