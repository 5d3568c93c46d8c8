"""Reads of TRD documents."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import QuerySet

from sessions_app.errors import InvalidValue, TRDNotFound
from sessions_app.models import GeneratedTRDDocument, TechSpecSession
from sessions_app.trd.diff import SectionDiff, cache_trd_diff, cached_trd_diff

# The documents themselves: large, and not needed to list versions.
TRD_TEXT_FIELDS = (
    "trd_content", "api_specification", "database_schema", "architecture_diagram", "tech_stack_document",
    "validation_report",
)


# Each selector here takes a session already resolved for the caller (session_get applies visibility).


def trd_get(*, session: TechSpecSession, version: int | None = None) -> GeneratedTRDDocument:
    """One TRD document of `session` (set as its .session): `version`, or the latest when None (one query)."""
    documents = GeneratedTRDDocument.objects.filter(session_id=session.pk)
    if version is not None:
        documents = documents.filter(version=version)
    document = documents.order_by("-version").first()
    if document is None:
        raise TRDNotFound(session.pk, version)
    document.session = session
    return document


def trd_versions(*, session: TechSpecSession) -> QuerySet[GeneratedTRDDocument]:
    """A session's TRD versions, newest first, without the document texts."""
    return GeneratedTRDDocument.objects.filter(session_id=session.pk).defer(*TRD_TEXT_FIELDS).order_by("-version")


@dataclass(frozen=True)
class TRDComparison:
    """Two versions of one session's TRD and what changed between them, section by section."""

    session_id: uuid.UUID
    old: GeneratedTRDDocument
    new: GeneratedTRDDocument
    sections: list[SectionDiff]

    @property
    def changed(self) -> bool:
        return any(section.changed for section in self.sections)


def trd_compare(*, session: TechSpecSession, from_version: int, to_version: int) -> TRDComparison:
    """Diff version `from_version` against `to_version` (one query when the diff is cached).

    The same version twice is InvalidValue; a version the session lacks is TRDNotFound.
    """
    if from_version == to_version:
        raise InvalidValue("to", "from and to name the same version: choose two different versions.",
                           version=from_version)
    # Versions without their texts first: a diff computed before is read from the cache, and
    # two 200 KB documents are fetched only when it must be computed.
    documents = {
        trd.version: trd
        for trd in GeneratedTRDDocument.objects.filter(
            session_id=session.pk, version__in=[from_version, to_version]
        ).defer(*TRD_TEXT_FIELDS)
    }
    missing = [v for v in (from_version, to_version) if v not in documents]
    if missing:
        raise TRDNotFound(session.pk, missing[0])
    old, new = documents[from_version], documents[to_version]
    sections = cached_trd_diff(old.pk, new.pk)
    if sections is None:
        texts = GeneratedTRDDocument.objects.in_bulk([old.pk, new.pk])
        sections = cache_trd_diff(texts[old.pk], texts[new.pk])
    return TRDComparison(session_id=session.pk, old=old, new=new, sections=sections)
