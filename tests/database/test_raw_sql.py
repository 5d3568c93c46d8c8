"""No SQL built by string formatting reaches the database unless a reviewer allowed it.

An AST walk over every non-test, non-migration module finds calls to `execute`,
`executemany`, `RawSQL`, `.raw` and `.extra` whose SQL argument is an f-string, a
%-format, a `.format()` call or a concatenation with something that is not a
literal. psycopg's `sql.SQL(...).format(...)` quotes identifiers itself and passes.
Each reviewed site is listed below with the reason it is safe; a new site fails
until someone reviews it, and a listed site that disappears fails too (stale entry).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".venv", "tests", "migrations", ".pgdata", "node_modules", "artifacts", ".git"}
SQL_CALLS = {"execute", "executemany", "RawSQL", "raw", "extra"}

# (module path, enclosing function) -> why the formatted SQL there is safe.
REVIEWED = {
    ("techspec_project/admin_tables.py", "_plan_estimate"): "EXPLAIN of SQL Django compiled; values stay in params",
    ("tooling/benchmarks/explain.py", "plan_of"): "EXPLAIN of SQL the benchmark's own querysets compiled",
    ("tooling/benchmarks/runner.py", "scale"): "table names from the module's TABLES constant",
    ("tooling/seeding/clear.py", "_remove_stubs"): "table names from the DELETE_STUBS constant",
    ("tooling/seeding/runner.py", "_analyze"): "table names from the ANALYZE_GROUPS constant",
    ("tooling/seeding/runner.py", "analyze"): "table names from the ANALYZE_GROUPS constant",
    ("design_bridge/shared_schema.py", "bootstrap"): "schema and table names are module constants",
    ("design_bridge/shared_schema.py", "unbootstrap"): "schema and table names are module constants",
    ("tooling/management/commands/load_compare.py", "_track_functions"): "psycopg.sql: the database name "
    "as an Identifier, the SET/RESET text a constant",
    ("techspec_project/migration_operations.py", "_set_action"): "identifiers quoted with quote_name; the ON DELETE "
    "action comes from the migration's own code",
}


def _is_psycopg_sql(node: ast.AST) -> bool:
    """sql.SQL("...").format(...) or sql.SQL(...) / sql.Composed: psycopg quotes identifiers."""
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "format":
            return _is_psycopg_sql(func.value)
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return name in {"SQL", "Identifier", "Literal", "Composed"}
    return False


def _is_formatted(node: ast.AST) -> bool:
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(part, ast.FormattedValue) for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return isinstance(node.left, ast.Constant | ast.JoinedStr | ast.BinOp)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return not all(isinstance(side, ast.Constant) for side in (node.left, node.right))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return not _is_psycopg_sql(node)
    return False


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def formatted_sql_sites(source: str) -> list[tuple[str, int]]:
    """(enclosing function, line) of every SQL call whose SQL argument is built by formatting."""
    tree = ast.parse(source)
    sites: list[tuple[str, int]] = []

    def visit(node: ast.AST, function: str) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = node.name
        if isinstance(node, ast.Call) and _call_name(node) in SQL_CALLS:
            args = list(node.args[:1]) + [kw.value for kw in node.keywords if kw.arg in {"sql", "where", "select"}]
            if _call_name(node) == "extra":
                args = [kw.value for kw in node.keywords] + list(node.args)
            for arg in args:
                candidates = [arg, *(arg.elts if isinstance(arg, ast.List | ast.Tuple) else [])]
                candidates += list(arg.values) if isinstance(arg, ast.Dict) else []
                if any(_is_formatted(c) for c in candidates):
                    sites.append((function, node.lineno))
                    break
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, "<module>")
    return sites


def project_modules() -> list[Path]:
    return sorted(
        path for path in ROOT.rglob("*.py")
        if not SKIP_DIRS.intersection(path.relative_to(ROOT).parts[:-1])
    )


def test_the_checker_flags_each_kind_of_formatted_sql():
    source = '''
def bad(cursor, Model, name, qs):
    cursor.execute(f"SELECT * FROM t WHERE name = '{name}'")
    cursor.execute("SELECT * FROM t WHERE name = '%s'" % name)
    cursor.execute("SELECT * FROM t WHERE name = '{}'".format(name))
    cursor.execute("SELECT * FROM t WHERE name = " + name)
    Model.objects.raw(f"SELECT * FROM t WHERE id = {name}")
    qs.extra(where=[f"name = '{name}'"])
    RawSQL(f"lower({name})", [])
'''
    assert [line for _, line in formatted_sql_sites(source)] == [3, 4, 5, 6, 7, 8, 9]


def test_the_checker_accepts_parameters_and_psycopg_composition():
    source = '''
def good(cursor, conn, sql, name):
    cursor.execute("SELECT * FROM t WHERE name = %s", [name])
    cursor.execute("SELECT 1 " "FROM t")
    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    cursor.execute(QUERY, {"name": name})
'''
    assert formatted_sql_sites(source) == []


def test_no_unreviewed_sql_is_built_by_string_formatting():
    found: dict[tuple[str, str], list[int]] = {}
    for path in project_modules():
        relative = path.relative_to(ROOT).as_posix()
        for function, line in formatted_sql_sites(path.read_text()):
            found.setdefault((relative, function), []).append(line)

    unreviewed = {site: lines for site, lines in found.items() if site not in REVIEWED}
    assert not unreviewed, (
        f"SQL built by string formatting: {unreviewed}. Pass values as parameters, quote identifiers with "
        "psycopg.sql or connection.ops.quote_name, or review the site and add it to REVIEWED with the reason."
    )
    stale = set(REVIEWED) - set(found)
    assert not stale, f"REVIEWED lists sites that no longer format SQL; remove them: {sorted(stale)}"
