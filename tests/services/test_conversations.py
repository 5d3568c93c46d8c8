"""Appending conversation messages with validated role, type and research link."""

from __future__ import annotations

import uuid

import pytest

from sessions_app.errors import InvalidValue, ResearchNotFound, SessionNotFound
from sessions_app.models import TechConversation
from sessions_app.services import conversation_append
from tests.factories import TechResearchFactory, TechSpecSessionFactory

pytestmark = pytest.mark.django_db


def test_a_message_is_appended_as_text_by_default():
    session = TechSpecSessionFactory()
    message = conversation_append(session_id=session.pk, role="agent", message="Hello.")
    row = TechConversation.objects.get(pk=message.pk)
    assert (row.session_id, row.role, row.message_type, row.message, row.metadata) == (
        session.pk, "agent", "text", "Hello.", {},
    )


def test_a_message_may_link_research_of_its_session_and_carry_metadata():
    research = TechResearchFactory()
    message = conversation_append(
        session_id=research.session_id, role="agent", message="Pick one.", message_type="options",
        research_id=research.pk, metadata={"options": 2},
    )
    row = TechConversation.objects.get(pk=message.pk)
    assert (row.research_id, row.metadata) == (research.pk, {"options": 2})


def test_research_of_another_session_is_refused_and_nothing_written():
    session = TechSpecSessionFactory()
    with pytest.raises(ResearchNotFound):
        conversation_append(session_id=session.pk, role="agent", message="x", research_id=TechResearchFactory().pk)
    assert not TechConversation.objects.filter(session=session).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"role": "robot"}, "role"), ({"message_type": "telegram"}, "message_type"), ({"message": " "}, "message"),
     ({"metadata": ["a"]}, "metadata")],
)
def test_invalid_messages_are_refused_naming_the_field(changes, field):
    session = TechSpecSessionFactory()
    arguments = {"session_id": session.pk, "role": "user", "message": "Hi", **changes}
    with pytest.raises(InvalidValue) as caught:
        conversation_append(**arguments)
    assert caught.value.details["field"] == field
    assert not TechConversation.objects.exists()


def test_appending_to_a_missing_session_raises_session_not_found():
    with pytest.raises(SessionNotFound):
        conversation_append(session_id=uuid.uuid4(), role="user", message="Hi")
