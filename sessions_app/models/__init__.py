"""The tech-spec tables, one module per concern; import them from here (`from sessions_app.models import X`).

Every rule a row must satisfy is also a database constraint, so SQL written by
another service (or a bulk loader) cannot break it either. Foreign keys cascade
in PostgreSQL itself (see the ForeignKeyOnDelete operations in the migrations),
because the Design Agent deletes its jobs with plain SQL.

    sessions.py       TechSpecSession, and SessionStatusRow (the status view over it)
    research.py       TechResearch
    conversations.py  TechConversation
    trd.py            GeneratedTRDDocument
    errors.py         AgentErrorLog
    events.py         SessionEvent, SessionEventCounter (the event log WebSocket clients follow)
    counters.py       SessionStatusCount, ConsoleDailyCount, ApiRateCounter (trigger-kept figures, rate windows)
    seed_stubs.py     SeedStubDesignJob (seed_data's marks on the design jobs it created)
    fields.py         the id and created_at columns they share
"""

from sessions_app.models.conversations import TechConversation
from sessions_app.models.counters import ApiRateCounter, ConsoleDailyCount, SessionStatusCount
from sessions_app.models.errors import AgentErrorLog
from sessions_app.models.events import SessionEvent, SessionEventCounter
from sessions_app.models.research import TechResearch
from sessions_app.models.seed_stubs import SeedStubDesignJob
from sessions_app.models.sessions import SessionStatusRow, TechSpecSession
from sessions_app.models.trd import GeneratedTRDDocument

__all__ = [
    "AgentErrorLog",
    "ApiRateCounter",
    "ConsoleDailyCount",
    "GeneratedTRDDocument",
    "SeedStubDesignJob",
    "SessionEvent",
    "SessionEventCounter",
    "SessionStatusCount",
    "SessionStatusRow",
    "TechConversation",
    "TechResearch",
    "TechSpecSession",
]
