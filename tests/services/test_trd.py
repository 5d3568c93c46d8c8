"""Storing TRD documents as versions 1, 2, 3, ... per session."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from sessions_app.errors import InvalidValue, SessionNotFound
from sessions_app.models import GeneratedTRDDocument
from sessions_app.services import trd_store
from tests.factories import GeneratedTRDDocumentFactory, TechSpecSessionFactory

pytestmark = pytest.mark.django_db


def test_first_trd_of_a_session_is_version_one():
    session = TechSpecSessionFactory()
    document = trd_store(session_id=session.pk, trd_content="# TRD", quality_score=91.5)
    row = GeneratedTRDDocument.objects.get(pk=document.pk)
    assert (row.version, row.trd_content, row.quality_score) == (1, "# TRD", Decimal("91.50"))


def test_each_new_trd_takes_the_next_version():
    session = TechSpecSessionFactory()
    versions = [trd_store(session_id=session.pk, trd_content=f"v{n}").version for n in range(3)]
    assert versions == [1, 2, 3]


def test_versions_continue_after_the_highest_stored_one():
    existing = GeneratedTRDDocumentFactory(version=7)
    assert trd_store(session_id=existing.session_id, trd_content="next").version == 8


def test_versions_are_counted_per_session():
    GeneratedTRDDocumentFactory(version=4)
    session = TechSpecSessionFactory()
    assert trd_store(session_id=session.pk, trd_content="first").version == 1


def test_all_documents_and_the_report_are_stored():
    session = TechSpecSessionFactory()
    document = trd_store(
        session_id=session.pk, trd_content="t", api_specification="a", database_schema="d",
        architecture_diagram="g", tech_stack_document="s", validation_report={"ok": True},
    )
    row = GeneratedTRDDocument.objects.get(pk=document.pk)
    assert (row.api_specification, row.database_schema, row.architecture_diagram, row.tech_stack_document) == (
        "a", "d", "g", "s",
    )
    assert row.validation_report == {"ok": True}


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"trd_content": ""}, "trd_content"), ({"quality_score": 100.5}, "quality_score"),
     ({"quality_score": "high"}, "quality_score"), ({"validation_report": [1]}, "validation_report")],
)
def test_invalid_trd_is_refused_and_nothing_written(changes, field):
    session = TechSpecSessionFactory()
    with pytest.raises(InvalidValue) as caught:
        trd_store(**{"session_id": session.pk, "trd_content": "t", **changes})
    assert caught.value.details["field"] == field
    assert not GeneratedTRDDocument.objects.exists()


def test_storing_for_a_missing_session_raises_session_not_found():
    with pytest.raises(SessionNotFound):
        trd_store(session_id=uuid.uuid4(), trd_content="t")
