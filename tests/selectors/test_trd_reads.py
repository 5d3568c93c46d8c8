"""Reading TRDs: the latest or a chosen version, the version list without the documents, the
owner's sessions only, in a fixed number of queries."""

from __future__ import annotations

import uuid

import pytest

from sessions_app.errors import SessionNotFound, TRDNotFound
from sessions_app.selectors import session_get, trd_get, trd_versions
from tests.factories import GeneratedTRDDocumentFactory, TechSpecSessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def trd_session():
    session = TechSpecSessionFactory()
    for version in (1, 2, 3):
        GeneratedTRDDocumentFactory(session=session, version=version, trd_content=f"v{version}")
    return session


def test_trd_get_returns_the_latest_version_by_default(trd_session):
    assert trd_get(session=trd_session).version == 3


def test_trd_get_returns_the_requested_version(trd_session):
    assert trd_get(session=trd_session, version=2).trd_content == "v2"


def test_trd_get_of_a_missing_version_raises_trd_not_found(trd_session):
    with pytest.raises(TRDNotFound) as caught:
        trd_get(session=trd_session, version=9)
    assert caught.value.details["version"] == 9


def test_trd_get_of_a_session_without_documents_raises_trd_not_found():
    with pytest.raises(TRDNotFound):
        trd_get(session=TechSpecSessionFactory())


def test_trd_get_of_another_users_session_raises_session_not_found(trd_session):
    with pytest.raises(SessionNotFound):
        trd_get(session=session_get(session_id=trd_session.pk, owner_id=uuid.uuid4()))


def test_trd_get_takes_one_query_when_the_document_exists(trd_session, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert trd_get(session=trd_session).session is trd_session


def test_trd_versions_are_newest_first_without_the_documents(trd_session):
    versions = list(trd_versions(session=trd_session))
    assert [v.version for v in versions] == [3, 2, 1]
    assert {"trd_content", "api_specification", "validation_report"} <= versions[0].get_deferred_fields()


def test_trd_versions_of_another_users_session_are_not_found(trd_session):
    with pytest.raises(SessionNotFound):
        trd_versions(session=session_get(session_id=trd_session.pk, owner_id=uuid.uuid4()))


@pytest.mark.parametrize("rows", [3, 30])
def test_trd_versions_take_one_query_whatever_the_number_of_rows(rows, django_assert_num_queries):
    session = TechSpecSessionFactory()
    for version in range(1, rows + 1):
        GeneratedTRDDocumentFactory(session=session, version=version)
    with django_assert_num_queries(1):
        assert len(list(trd_versions(session=session))) == rows
