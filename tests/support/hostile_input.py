"""The data hostile-input tests attack (the `hostile_world` fixture, tests/api/conftest.py), the row
counts that must not move, and a client for its owner or for staff."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import connection

from tests.support.api import api_client

TABLES = (
    "tech_spec_sessions", "tech_research", "tech_conversations", "generated_trd_documents", "agent_error_logs",
    "shared.design_jobs",
)


@dataclass
class World:
    """One user's session with one of each child; `ids` fills the {session}, {job}... of a path."""

    user_id: uuid.UUID
    ids: dict[str, str]


def row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
        cursor.execute("SELECT max(updated_at) FROM tech_spec_sessions")
        counts["sessions.updated_at"] = cursor.fetchone()[0]
    return counts


def client_for(world: World, caller: str):
    """The world's owner (a user) for caller "owner", else a staff member."""
    return api_client(world.user_id, "user") if caller == "owner" else api_client(uuid.uuid4(), "staff")
