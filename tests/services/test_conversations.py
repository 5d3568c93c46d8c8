"""Appending conversation messages with validated role, type and research link."""

from __future__ import annotations

import pytest

from sessions_app.errors import InvalidValue, ResearchNotFound
from sessions_app.models import TechConversation
from sessions_app.services import conversation_append
from tests.factories import TechResearchFactory, TechSpecSessionFactory

pytestmark = pytest.mark.django_db


def test_a_message_is_appended_as_text_by_default():
    session = TechSpecSessionFactory()
    message = conversation_append(session=session, role="agent", message="Hello.")
    row = TechConversation.objects.get(pk=message.pk)
    assert (row.session_id, row.role, row.message_type, row.message, row.metadata) == (
        session.pk, "agent", "text", "Hello.", {},
    )


def test_a_message_may_link_research_of_its_session_and_carry_metadata():
    research = TechResearchFactory()
    message = conversation_append(
        session=research.session, role="agent", message="Pick one.", message_type="options",
        research_id=research.pk, metadata={"options": 2},
    )
    row = TechConversation.objects.get(pk=message.pk)
    assert (row.research_id, row.metadata) == (research.pk, {"options": 2})


def test_research_of_another_session_is_refused_and_nothing_written():
    session = TechSpecSessionFactory()
    with pytest.raises(ResearchNotFound):
        conversation_append(session=session, role="agent", message="x", research_id=TechResearchFactory().pk)
    assert not TechConversation.objects.filter(session=session).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"role": "robot"}, "role"), ({"message_type": "telegram"}, "message_type"), ({"message": " "}, "message"),
     ({"metadata": ["a"]}, "metadata")],
)
def test_invalid_messages_are_refused_naming_the_field(changes, field):
    session = TechSpecSessionFactory()
    arguments = {"session": session, "role": "user", "message": "Hi", **changes}
    with pytest.raises(InvalidValue) as caught:
        conversation_append(**arguments)
    assert caught.value.details["field"] == field
    assert not TechConversation.objects.exists()


# A missing session (or one the caller cannot see) never reaches the service: the API resolves it
# first, and tests/api/test_access.py checks that such a write is a 404 that writes nothing.
