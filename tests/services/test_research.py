"""Research items, and the user's decisions on them with their conversation message."""

from __future__ import annotations

import uuid

import pytest

from sessions_app.errors import (
    DecisionAlreadyRecorded,
    InvalidValue,
    ResearchNotFound,
    TechnologyNotInOptions,
)
from sessions_app.models import TechConversation, TechResearch
from sessions_app.services import DecisionInput, decisions_record, research_record
from tests.factories import TechResearchFactory, TechSpecSessionFactory

pytestmark = pytest.mark.django_db

OPTIONS = [{"name": "PostgreSQL", "pros": ["JSONB"]}, {"name": "MySQL"}]


def test_research_is_recorded_with_its_options():
    session = TechSpecSessionFactory()
    research = research_record(
        session=session, technology_category="database", gap_description="Needs storage.", options=OPTIONS
    )
    row = TechResearch.objects.get(pk=research.pk)
    assert row.session_id == session.pk
    assert row.researched_options == OPTIONS
    assert row.is_decided is False


@pytest.mark.parametrize(
    "options",
    [[], "PostgreSQL", [{"pros": []}], [{"name": ""}], [{"name": "  "}], ["PostgreSQL"],
     [{"name": "A"}, {"name": "A"}]],
    ids=["empty", "not-a-list", "no-name", "blank-name", "whitespace-name", "not-an-object", "duplicate"],
)
def test_research_with_bad_options_is_invalid_and_writes_nothing(options):
    session = TechSpecSessionFactory()
    with pytest.raises(InvalidValue) as caught:
        research_record(session=session, technology_category="db", gap_description="gap", options=options)
    assert caught.value.details["field"] == "options"
    assert not TechResearch.objects.exists()


def test_research_without_a_category_is_invalid():
    session = TechSpecSessionFactory()
    with pytest.raises(InvalidValue):
        research_record(session=session, technology_category=" ", gap_description="gap", options=OPTIONS)


# A session the caller cannot see, or that does not exist, never reaches a service: the API
# resolves it first (tests/api/test_access.py: a write to a missing session is a 404 and writes nothing).


def decide(research, technology="PostgreSQL", custom=False, session=None):
    decision = DecisionInput(research.pk, technology, "JSONB fits.", custom)
    return decisions_record(session=session or research.session, decisions=[decision])[0]


def test_decision_stores_technology_reasoning_and_timestamp():
    research = TechResearchFactory()
    decide(research)
    row = TechResearch.objects.get(pk=research.pk)
    assert (row.selected_technology, row.selection_reasoning, row.is_custom_selection) == (
        "PostgreSQL", "JSONB fits.", False,
    )
    assert row.decision_timestamp is not None


def test_decision_appends_the_matching_user_message():
    research = TechResearchFactory()
    decide(research)
    message = TechConversation.objects.get(session=research.session)
    assert (message.role, message.message_type, message.research_id) == ("user", "decision", research.pk)
    assert message.metadata["technology"] == "PostgreSQL"
    assert "PostgreSQL" in message.message


def test_decision_outside_the_options_is_refused_and_writes_nothing():
    research = TechResearchFactory()
    with pytest.raises(TechnologyNotInOptions) as caught:
        decide(research, "CouchDB")
    assert caught.value.details["options"] == ["PostgreSQL", "MySQL"]
    assert TechResearch.objects.get(pk=research.pk).is_decided is False
    assert not TechConversation.objects.exists()


def test_custom_decision_may_name_any_technology():
    research = TechResearchFactory()
    decide(research, "CouchDB", custom=True)
    row = TechResearch.objects.get(pk=research.pk)
    assert (row.selected_technology, row.is_custom_selection) == ("CouchDB", True)


def test_second_decision_on_the_same_research_conflicts():
    research = TechResearchFactory()
    decide(research)
    with pytest.raises(DecisionAlreadyRecorded) as caught:
        decide(research, "MySQL")
    assert caught.value.details["selected_technology"] == "PostgreSQL"
    assert TechResearch.objects.get(pk=research.pk).selected_technology == "PostgreSQL"
    assert TechConversation.objects.count() == 1


def test_decision_on_a_missing_research_raises_research_not_found():
    with pytest.raises(ResearchNotFound):
        decisions_record(session=TechSpecSessionFactory(), decisions=[DecisionInput(uuid.uuid4(), "PostgreSQL", "r")])


def test_decision_naming_another_session_raises_research_not_found():
    research = TechResearchFactory()
    other = TechSpecSessionFactory()
    with pytest.raises(ResearchNotFound):
        decide(research, session=other)
    assert TechResearch.objects.get(pk=research.pk).is_decided is False


def test_decision_naming_its_own_session_is_recorded():
    research = TechResearchFactory()
    decide(research, session=research.session)
    assert TechResearch.objects.get(pk=research.pk).is_decided


def test_decision_without_a_technology_is_invalid():
    with pytest.raises(InvalidValue):
        decide(TechResearchFactory(), "")


# --- decisions_record ----------------------------------------------------------


@pytest.fixture
def session_with_two():
    session = TechSpecSessionFactory()
    cache = TechResearchFactory(session=session, technology_category="cache")
    return session, TechResearchFactory(session=session), cache


def test_a_batch_of_decisions_is_recorded_with_one_message_each(session_with_two):
    session, first, second = session_with_two
    decided = decisions_record(
        session=session,
        decisions=[DecisionInput(first.pk, "PostgreSQL", "fit"), DecisionInput(second.pk, "Valkey", "fast", True)],
    )
    assert [r.pk for r in decided] == [first.pk, second.pk]
    assert TechResearch.objects.filter(session=session, decision_timestamp__isnull=False).count() == 2
    assert TechConversation.objects.filter(session=session, message_type="decision").count() == 2


def test_one_bad_decision_leaves_the_whole_batch_unwritten(session_with_two):
    session, first, second = session_with_two
    with pytest.raises(TechnologyNotInOptions):
        decisions_record(
            session=session,
            decisions=[DecisionInput(first.pk, "PostgreSQL", "fit"), DecisionInput(second.pk, "Valkey", "fast")],
        )
    assert not TechResearch.objects.filter(session=session, decision_timestamp__isnull=False).exists()
    assert not TechConversation.objects.exists()


def test_a_batch_with_research_of_another_session_raises_research_not_found(session_with_two):
    session, first, _ = session_with_two
    stranger = TechResearchFactory()
    with pytest.raises(ResearchNotFound):
        decisions_record(
            session=session,
            decisions=[DecisionInput(first.pk, "PostgreSQL", "fit"), DecisionInput(stranger.pk, "MySQL", "x")],
        )
    assert not TechResearch.objects.filter(decision_timestamp__isnull=False).exists()


def test_a_batch_naming_one_research_twice_is_invalid(session_with_two):
    session, first, _ = session_with_two
    with pytest.raises(InvalidValue):
        decisions_record(
            session=session,
            decisions=[DecisionInput(first.pk, "PostgreSQL", "a"), DecisionInput(first.pk, "MySQL", "b")],
        )


def test_an_empty_batch_is_invalid(session_with_two):
    with pytest.raises(InvalidValue):
        decisions_record(session=session_with_two[0], decisions=[])

