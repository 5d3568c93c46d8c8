"""--clear: remove every techspec row and the stub design jobs seeding created, nothing else."""

from __future__ import annotations

from django.db import connection, transaction

# CASCADE reaches only tables that reference these (session-scoped data, all techspec's own);
# shared.* never references techspec, so no Design Agent row can be truncated.
TRUNCATE_TECHSPEC = (
    "TRUNCATE tech_conversations, tech_research, generated_trd_documents, agent_error_logs, "
    "tech_spec_sessions CASCADE"
)
# Children first, set-based: deleting the jobs alone would cascade row by row through triggers.
DELETE_STUBS = (
    ("shared.design_outputs",
     "DELETE FROM shared.design_outputs o USING seed_stub_design_jobs m WHERE o.job_id = m.design_job_id"),
    ("shared.design_decisions",
     "DELETE FROM shared.design_decisions d USING seed_stub_design_jobs m WHERE d.job_id = m.design_job_id"),
    ("shared.design_progress",
     "DELETE FROM shared.design_progress p USING seed_stub_design_jobs m WHERE p.job_id = m.design_job_id"),
    ("shared.design_jobs",
     "DELETE FROM shared.design_jobs j USING seed_stub_design_jobs m WHERE j.id = m.design_job_id"),
)


def clear_seeded(*, verify: bool) -> dict[str, int]:
    """Delete techspec rows and (bootstrap mode) the marked stub jobs, in one transaction.

    Returns rows removed: the session count and, per shared table, the stub rows.
    In verify mode shared.* is the Design Agent's and is never written, so stubs a
    bootstrap run made stay marked until a bootstrap-mode --clear removes them.
    """
    removed: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        # TRUNCATE refuses while deferred FK checks are pending, as they are when an enclosing
        # transaction (a test, a caller's atomic block) has just inserted rows; run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SELECT count(*) FROM tech_spec_sessions")
        removed["tech_spec_sessions"] = cursor.fetchone()[0]
        cursor.execute(TRUNCATE_TECHSPEC)
        if not verify:
            removed.update(_remove_stubs(cursor))
            cursor.execute("TRUNCATE seed_stub_design_jobs")
    return removed


def _remove_stubs(cursor) -> dict[str, int]:
    # Locked first, so no Design Agent row can appear between the check and the truncate.
    cursor.execute(f"LOCK TABLE {', '.join(t for t, _ in DELETE_STUBS)} IN ACCESS EXCLUSIVE MODE")
    cursor.execute(
        "SELECT count(*), count(*) FILTER (WHERE m.design_job_id IS NULL) FROM shared.design_jobs j "
        "LEFT JOIN seed_stub_design_jobs m ON m.design_job_id = j.id"
    )
    jobs, real_jobs = cursor.fetchone()
    removed: dict[str, int] = {}
    if jobs and not real_jobs:
        # Every job is a stub (the usual development database): truncating is far faster than
        # deleting row by row, and removes exactly the same rows. CASCADE reaches the tables that
        # reference the jobs (tech_spec_sessions, already empty), as the DELETE's cascade would.
        for table, _ in DELETE_STUBS:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - table names are constants above
            removed[table] = cursor.fetchone()[0]
        cursor.execute(f"TRUNCATE {', '.join(t for t, _ in DELETE_STUBS)} CASCADE")
        return removed
    for table, statement in DELETE_STUBS:
        cursor.execute(statement)
        removed[table] = cursor.rowcount
    return removed
