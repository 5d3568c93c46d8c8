"""EXPLAIN check: a sequential scan on a big table where an index is expected is a defect."""

from __future__ import annotations

import json
from collections.abc import Iterator

SEQ_SCAN_MIN_ROWS = 10_000


def _nodes(plan: dict) -> Iterator[dict]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def table_rows(cursor, relation: str, schema: str | None) -> float:
    """The planner's row estimate of a table (pg_class.reltuples; -1 when never analysed)."""
    cursor.execute(
        "SELECT c.reltuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relname = %s AND n.nspname = coalesce(%s, 'public')",
        [relation, schema],
    )
    row = cursor.fetchone()
    return float(row[0]) if row else 0.0


def seq_scans(cursor, sql: str, *, min_rows: int = SEQ_SCAN_MIN_ROWS) -> list[str]:
    """Tables of at least `min_rows` rows that the plan of `sql` reads with a Seq Scan."""
    if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
        return []
    cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
    raw = cursor.fetchone()[0]
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
    flagged = []
    for node in _nodes(plan):
        if node.get("Node Type") != "Seq Scan":
            continue
        relation, schema = node.get("Relation Name"), node.get("Schema")
        if table_rows(cursor, relation, schema) >= min_rows:
            flagged.append(f"{schema or 'public'}.{relation}")
    return flagged
