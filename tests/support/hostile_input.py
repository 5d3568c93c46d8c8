"""What hostile-input tests send and check: the attack values for a field or query parameter of
each kind, a body with one field replaced, the data they attack (the `hostile_world` fixture,
tests/api/conftest.py), the row counts that must not move, and a client for its owner or staff."""

from __future__ import annotations

import json
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


# --- attacks ------------------------------------------------------------------------------
BAD_UUIDS = ["not-a-uuid", "1", "-1", "0x10", "' OR 1=1 --", "%00", "%E2%80%AE", "a" * 5000,
             "00000000-0000-0000-0000-00000000000g", "{00000000-0000-0000-0000-000000000000}x",
             "%F0%9F%92%A9", "%ED%A0%80", "１２３４５６７８１２３４５６７８１２３４５６７８１２３４５６７８"]
DEEP = "[" * 100_000 + "]" * 100_000
DEEP_OBJECT = '{"a":' * 50_000 + "1" + "}" * 50_000
LONE_SURROGATE = '"\\ud800"'  # valid JSON text, not a storable string

WRONG_TYPES = {"int": 7, "float": 1.5, "bool": True, "list": ["x"], "object": {"x": 1}, "null": None}


def wrong_values(kind: str) -> dict[str, object]:
    """Raw JSON fragments (strings are JSON text) that a field of this kind must refuse."""
    values: dict[str, object] = {}
    base, _, limit = kind.rstrip("?").partition(":")
    if base == "text":
        values |= {"too long": json.dumps("x" * (int(limit) + 1)), "NUL": json.dumps("a\x00b"),
                   "lone surrogate": LONE_SURROGATE, "list": '["x"]', "object": '{"x": 1}', "bool": "true"}
    elif base == "uuid":
        values |= {f"uuid {v[:12]!r}": json.dumps(v) for v in BAD_UUIDS[:6]}
        values |= {"float": "1.5", "list": "[]", "object": "{}", "NUL": json.dumps("\x00")}
    elif base == "enum":
        values |= {"unknown": '"definitely_not_a_choice"', "case": '"IN_PROGRESS"', "int": "1", "list": '["agent"]',
                   "NUL": json.dumps("agent\x00"), "lone surrogate": LONE_SURROGATE}
    elif base in ("percent", "count", "score"):
        values |= {"negative": "-1", "too big": "1e400", "huge int": "9" * 400, "NaN": "NaN", "Infinity": "Infinity",
                   "string": '"many"', "list": "[1]", "bool object": "{}"}
        values |= {"over max": {"percent": "101", "count": "1000001", "score": '"100.01"'}[base]}
    elif base == "bool":
        values |= {"string": '"maybe"', "int": "2", "list": "[true]", "object": "{}"}
    elif base == "list":
        values |= {"string": '"x"', "object": "{}", "empty": "[]", "int": "3", "huge list": "[" + ",".join(
            ['"00000000-0000-0000-0000-000000000000"'] * 600) + "]"}
    elif base == "object":
        values |= {"string": '"x"', "list": "[]", "int": "3", "deep": '{"a":' * 30 + "1" + "}" * 30,
                   "NUL key": json.dumps({"a\x00": 1}), "lone surrogate key": '{"\\udfff": 1}'}
    elif base == "json":
        values |= {"NUL": json.dumps("a\x00"), "lone surrogate": LONE_SURROGATE, "deep": "[" * 30 + "]" * 30}
    return values


def set_path(body: object, dotted: str, raw: str | None) -> str:
    """The body as JSON text with the field at `dotted` replaced by raw JSON (or removed when raw is None)."""
    marker = "__HOSTILE_MARKER__"
    body = json.loads(json.dumps(body))
    *parents, last = dotted.split(".")
    target = body
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    key = int(last) if isinstance(target, list) else last
    if raw is None:
        del target[key]
        return json.dumps(body)
    target[key] = marker
    return json.dumps(body).replace(f'"{marker}"', raw, 1)


def query_values(kind: str) -> dict[str, str]:
    common = {"NUL": "a%00b", "lone surrogate": "%ED%A0%80", "huge": "x" * 5000}
    return common | {
        "uuid": {"malformed": "nope", "int": "12"},
        "enum": {"unknown": "nope", "private field": "-user_id__password"},
        "positive": {"negative": "-1", "zero": "0", "huge": "9" * 30, "superscript": "%C2%B2", "float": "1.5"},
        "datetime": {"garbage": "yesterday", "out of range": "99999-01-01T00:00:00Z", "month 13": "2024-13-01"},
        "cursor": {"garbage": "garbage", "base64 junk": "cD0yMDI0LTEzLTAx", "base64 sql": "cD0nIE9SIDE9MSAtLQ=="},
        "bool": {"maybe": "maybe"},
        "text": {},
    }[kind]


def has_path(body: object, dotted: str) -> bool:
    target = body
    for part in dotted.split("."):
        if isinstance(target, list) and part.isdigit() and int(part) < len(target):
            target = target[int(part)]
        elif isinstance(target, dict) and part in target:
            target = target[part]
        else:
            return False
    return True


def with_field(body: dict, dotted: str) -> dict:
    """The body with an optional top-level or first-item field present (so it can be replaced)."""
    body = json.loads(json.dumps(body))
    if not has_path(body, dotted):
        *parents, last = dotted.split(".")
        target = body
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        target[last] = None
    return body
