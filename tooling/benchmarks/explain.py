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


def plan_of(cursor, sql: str) -> dict:
    """The planner's plan of `sql` (EXPLAIN without ANALYZE: nothing runs), as PostgreSQL's JSON tree."""
    # VERBOSE for "Schema": without it a shared.* table cannot be told from a public one.
    cursor.execute("EXPLAIN (VERBOSE, FORMAT JSON) " + sql)
    raw = cursor.fetchone()[0]
    return (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]


def relation_of(node: dict) -> str | None:
    """schema.table that a scan node reads, or None for nodes that read no table."""
    relation = node.get("Relation Name")
    return f"{node.get('Schema') or 'public'}.{relation}" if relation else None


def shape(plan: dict, depth: int = 0) -> list[str]:
    """The plan as indented lines of node types, with the table and index each scan uses.

    Costs and row estimates are left out: they move with every row added, the
    choice of nodes and indexes does not.
    """
    line = "  " * depth + plan["Node Type"]
    if relation := relation_of(plan):
        line += f" on {relation}"
    if index := plan.get("Index Name"):
        line += f" using {index}"
        if "Index Cond" not in plan:
            # Read from end to end: right under a LIMIT it is how ORDER BY ... LIMIT should read,
            # anywhere else it costs as much as the Seq Scan it replaces.
            line += " (whole index)"
    return [line, *(child for node in plan.get("Plans", []) for child in shape(node, depth + 1))]


def seq_scanned(plan: dict) -> list[str]:
    """schema.table of every Seq Scan in `plan`, in plan order, each once."""
    found = [relation_of(node) for node in _nodes(plan) if node.get("Node Type") == "Seq Scan"]
    return list(dict.fromkeys(relation for relation in found if relation is not None))


def seq_scans(cursor, sql: str, *, min_rows: int = SEQ_SCAN_MIN_ROWS) -> list[str]:
    """Tables of at least `min_rows` rows that the plan of `sql` reads with a Seq Scan."""
    if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
        return []
    plan = plan_of(cursor, sql)
    flagged = []
    for node in _nodes(plan):
        if node.get("Node Type") != "Seq Scan":
            continue
        relation, schema = node.get("Relation Name"), node.get("Schema")
        if relation is None:  # a Seq Scan always names its table; the plan format allows otherwise
            continue
        if table_rows(cursor, relation, schema) >= min_rows:
            flagged.append(f"{schema or 'public'}.{relation}")
    return flagged
