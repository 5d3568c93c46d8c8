"""A large, realistic TRD (about 200 KB) and a revision of it, for the rendering and compare benchmarks."""

from __future__ import annotations

import json

TARGET_BYTES = 200_000


def _content(entities: int, revision: int) -> str:
    parts = ["# Technical Requirements Document", "", "## 1. Overview", "",
             "A multi-tenant task board with a REST API, realtime updates and audit history.", ""]
    for n in range(entities):
        changed = revision and n % 10 == 3
        parts += [
            f"## {n + 2}. Entity {n}: resource_{n}", "",
            f"Resource {n} stores the {'revised ' if changed else ''}state of one board item and its history.",
            "",
            "| Field | Type | Rule |", "| --- | --- | --- |",
            "| id | uuid | primary key |", f"| name_{n} | text | 1 to {80 + revision} characters |",
            "| created_at | timestamptz | set by the database |", "",
            f"- Reads of resource_{n} are served from the primary within **300 ms p95**.",
            f"- Writes emit `resource_{n}.changed` on commit.",
            "",
        ]
    return "\n".join(parts)


def _api(entities: int, revision: int) -> str:
    lines = ["openapi: 3.1.0", "info:", "  title: Task board API", f"  version: '1.{revision}'", "paths:"]
    for n in range(entities):
        lines += [
            f"  /api/resource-{n}/:",
            "    get:",
            f"      summary: List resource {n}",
            "      parameters:",
            "        - {name: cursor, in: query, schema: {type: string}}",
            "      responses:",
            f"        '200': {{description: A page of resource {n}{' (revised)' if revision and n % 10 == 3 else ''}}}",
            "    post:",
            f"      summary: Create resource {n}",
            "      responses:",
            "        '201': {description: Created}",
        ]
    return "\n".join(lines) + "\n"


def _schema(entities: int, revision: int) -> str:
    statements = []
    for n in range(entities):
        extra = ",\n    archived boolean NOT NULL DEFAULT false" if revision and n % 10 == 3 else ""
        statements.append(
            f"CREATE TABLE resource_{n} (\n    id uuid PRIMARY KEY,\n    name_{n} text NOT NULL,\n"
            f"    created_at timestamptz NOT NULL DEFAULT now(){extra}\n);\n"
            f"CREATE INDEX resource_{n}_created_idx ON resource_{n} (created_at DESC);"
        )
    return "\n\n".join(statements) + "\n"


def _diagram(entities: int) -> str:
    lines = ["flowchart LR", "  Browser --> API", "  API --> PostgreSQL", "  API --> Redis"]
    lines += [f"  API --> R{n}[resource_{n}]" for n in range(min(entities, 30))]
    return "\n".join(lines) + "\n"


def big_trd_fields(revision: int = 0, target_bytes: int = TARGET_BYTES) -> dict:
    """trd_store keyword arguments for a TRD of about `target_bytes`; revision 1 changes about a tenth of it."""
    entities = max(1, target_bytes // 900)
    stack = "\n".join(["| Layer | Choice |", "| --- | --- |", "| API | Django + DRF |",
                       "| Database | PostgreSQL |", "| Realtime | Django Channels |"])
    return {
        "trd_content": _content(entities, revision),
        "api_specification": _api(entities, revision),
        "database_schema": _schema(entities, revision),
        "architecture_diagram": _diagram(entities),
        "tech_stack_document": stack,
        "quality_score": 80 + revision,
        "validation_report": {"passed": True, "score": 80 + revision,
                              "checks": [{"name": f"check_{n}", "passed": n % 7 != revision,
                                          "message": json.dumps({"n": n})} for n in range(12)]},
    }
