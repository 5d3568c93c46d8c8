"""Deletes cascade in PostgreSQL itself, because the Design Agent deletes with plain SQL."""

from __future__ import annotations

import pytest
from django.db import connection

from sessions_app.models import (
    AgentErrorLog,
    GeneratedTRDDocument,
    TechConversation,
    TechResearch,
    TechSpecSession,
)
from tests.factories import (
    AgentErrorLogFactory,
    GeneratedTRDDocumentFactory,
    TechConversationFactory,
    TechResearchFactory,
    TechSpecSessionFactory,
)

pytestmark = pytest.mark.django_db

CHILDREN = (TechResearch, TechConversation, GeneratedTRDDocument, AgentErrorLog)


def session_with_children() -> TechSpecSession:
    session = TechSpecSessionFactory()
    research = TechResearchFactory(session=session)
    TechConversationFactory(session=session, research=research)
    TechConversationFactory(session=session)
    GeneratedTRDDocumentFactory(session=session, version=1)
    AgentErrorLogFactory(session=session)
    return session


def execute(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def counts(session_id) -> dict[str, int]:
    return {model.__name__: model.objects.filter(session_id=session_id).count() for model in CHILDREN}


def test_raw_delete_of_a_design_job_removes_its_sessions_and_all_their_children():
    doomed = session_with_children()
    second_on_same_job = TechSpecSessionFactory(design_job=doomed.design_job)
    TechResearchFactory(session=second_on_same_job)
    survivor = session_with_children()

    execute('DELETE FROM "shared"."design_jobs" WHERE id = %s', [doomed.design_job_id])

    assert not TechSpecSession.objects.filter(design_job_id=doomed.design_job_id).exists()
    assert counts(doomed.id) == dict.fromkeys(counts(doomed.id), 0)
    assert counts(second_on_same_job.id)["TechResearch"] == 0
    assert counts(survivor.id) == {
        "TechResearch": 1,
        "TechConversation": 2,
        "GeneratedTRDDocument": 1,
        "AgentErrorLog": 1,
    }


def test_raw_delete_of_a_session_removes_its_children():
    session = session_with_children()
    execute("DELETE FROM tech_spec_sessions WHERE id = %s", [session.id])
    assert all(n == 0 for n in counts(session.id).values())


def test_raw_delete_of_research_keeps_its_conversations_and_nulls_their_link():
    research = TechResearchFactory()
    linked = TechConversationFactory(session=research.session, research=research)

    execute("DELETE FROM tech_research WHERE id = %s", [research.id])

    linked.refresh_from_db()
    assert linked.research_id is None


def test_every_foreign_key_has_its_on_delete_action_in_the_database():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, a.attname, c.confdeltype
            FROM pg_constraint c
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            WHERE c.contype = 'f' AND c.conrelid::regclass::text IN
                ('tech_spec_sessions', 'tech_research', 'tech_conversations',
                 'generated_trd_documents', 'agent_error_logs')
            """
        )
        actions = {(table, column): action for table, column, action in cursor.fetchall()}
    assert actions == {
        ("tech_spec_sessions", "design_job_id"): "c",
        ("tech_research", "session_id"): "c",
        ("tech_conversations", "session_id"): "c",
        ("tech_conversations", "research_id"): "n",
        ("generated_trd_documents", "session_id"): "c",
        ("agent_error_logs", "session_id"): "c",
    }
