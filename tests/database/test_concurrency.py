"""The race-free rules, exercised by real concurrent connections (one per thread).

Each test releases its threads together through a Barrier; every thread calls
the service on its own database connection and closes it when done.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter

import pytest

from sessions_app.models import GeneratedTRDDocument, TechConversation, TechResearch, TechSpecSession
from sessions_app.services import DecisionInput, decisions_record, session_start, trd_store
from tests.factories import DesignJobFactory, TechResearchFactory, TechSpecSessionFactory
from tests.support.concurrency import run_concurrently

pytestmark = pytest.mark.django_db(transaction=True)


def kinds(outcomes: list[object]) -> Counter:
    return Counter("ok" if not isinstance(o, Exception) else type(o).__name__ for o in outcomes)


def test_fifty_concurrent_decisions_on_one_research_store_exactly_one():
    research = TechResearchFactory()
    choices = ["PostgreSQL", "MySQL"]
    outcomes = run_concurrently(
        50,
        lambda i: decisions_record(
            session=research.session, decisions=[DecisionInput(research.pk, choices[i % 2], f"thread {i}")]
        )[0],
    )
    assert kinds(outcomes) == Counter({"ok": 1, "DecisionAlreadyRecorded": 49})
    winner = next(o for o in outcomes if not isinstance(o, Exception))
    row = TechResearch.objects.get(pk=research.pk)
    assert row.selected_technology == winner.selected_technology
    assert row.selection_reasoning == winner.selection_reasoning
    message = TechConversation.objects.get(research=research)
    assert message.metadata["technology"] == winner.selected_technology


def test_twenty_concurrent_trd_writers_get_versions_one_to_twenty():
    session = TechSpecSessionFactory()
    outcomes = run_concurrently(20, lambda i: trd_store(session_id=session.pk, trd_content=f"writer {i}"))
    assert kinds(outcomes) == Counter({"ok": 20})
    versions = sorted(GeneratedTRDDocument.objects.filter(session=session).values_list("version", flat=True))
    assert versions == list(range(1, 21))


def test_concurrent_starts_for_one_job_and_user_share_one_session():
    job = DesignJobFactory(with_outputs=True)
    user_id = uuid.uuid4()
    outcomes = run_concurrently(
        10, lambda i: session_start(project_id=job.project_id, design_job_id=job.id, user_id=user_id)
    )
    assert kinds(outcomes) == Counter({"ok": 10})
    assert sum(o.created for o in outcomes) == 1
    assert len({o.session.pk for o in outcomes}) == 1
    assert TechSpecSession.objects.filter(design_job=job, user_id=user_id).count() == 1


def test_overlapping_batches_in_any_order_never_deadlock_and_one_wins():
    session = TechSpecSessionFactory()
    items = TechResearchFactory.create_batch(5, session=session)

    def batch(i: int):
        order = random.Random(i).sample(items, len(items))  # each thread names them in another order
        decisions = [DecisionInput(r.pk, "PostgreSQL", f"batch {i}") for r in order]
        return decisions_record(session=session, decisions=decisions)

    outcomes = run_concurrently(10, batch)
    assert kinds(outcomes) == Counter({"ok": 1, "DecisionAlreadyRecorded": 9})
    reasons = set(TechResearch.objects.filter(session=session).values_list("selection_reasoning", flat=True))
    assert len(reasons) == 1, "every item carries the winning batch's reasoning"
    assert TechConversation.objects.filter(session=session).count() == 5

