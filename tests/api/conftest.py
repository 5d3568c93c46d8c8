"""Fixtures of the API tests: the world hostile input attacks, and an agent with a session."""

from __future__ import annotations

import uuid

import pytest

from tests.factories import (
    AgentErrorLogFactory,
    DesignJobFactory,
    GeneratedTRDDocumentFactory,
    TechConversationFactory,
    TechResearchFactory,
    TechSpecSessionFactory,
)
from tests.support.hostile_input import World


@pytest.fixture
def hostile_world(db) -> World:
    """A user's in-progress session with one of each child (tests/support/hostile_input.py)."""
    user_id = uuid.uuid4()
    job = DesignJobFactory(user_id=user_id, with_outputs=True)
    session = TechSpecSessionFactory(user_id=user_id, design_job=job, status="in_progress")
    research = TechResearchFactory(session=session)
    TechConversationFactory(session=session)
    GeneratedTRDDocumentFactory(session=session, version=1)
    error = AgentErrorLogFactory(session=session)
    return World(user_id=user_id, ids={
        "session": str(session.id), "job": str(job.id), "project": str(session.project_id),
        "research": str(research.id), "error": str(error.id),
    })


@pytest.fixture
def agent_world(api_as):
    """(an agent ApiCaller, its user's session in research, of a design job with all its outputs)."""
    agent = api_as("agent")
    job = DesignJobFactory(with_outputs=True, user_id=agent.user_id)
    session = TechSpecSessionFactory(design_job=job, user_id=agent.user_id, status="in_progress",
                                     current_stage="research")
    return agent, session


@pytest.fixture
def agent_session(api_as):
    """(an agent ApiCaller, its user's session in generation at 60%)."""
    agent = api_as("agent")
    session = TechSpecSessionFactory(user_id=agent.user_id, status="in_progress", current_stage="generation",
                                     progress_percentage=60)
    return agent, session
