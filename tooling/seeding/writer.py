"""Write batches of sessions, each with all its children, in one transaction per batch."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from math import gcd

from django.db import DatabaseError, connection, transaction

from design_bridge.models import REQUIRED_OUTPUT_TYPES
from tooling.seeding import statements as st
from tooling.seeding import vocabulary as vocab
from tooling.seeding.config import BASE_MS, SeedConfig
from tooling.seeding.functions import functions_sql

# Table label -> statement, in foreign-key order. Labels are what the progress and summary show.
STUB_TABLES = (
    ("shared.design_jobs", st.INSERT_JOBS),
    ("seed_stub_design_jobs", st.INSERT_STUB_MARKS),
    ("shared.design_outputs", st.INSERT_OUTPUTS),
    ("shared.design_decisions", st.INSERT_DECISIONS),
)
SESSION_TABLES = (
    ("tech_spec_sessions", st.INSERT_SESSIONS),
    ("tech_research", st.INSERT_RESEARCH),
    ("tech_conversations", st.INSERT_CONVERSATIONS),
    ("generated_trd_documents", st.INSERT_TRDS),
    ("agent_error_logs", st.INSERT_ERRORS),
)


class NoDesignJobs(Exception):
    """Verify mode found no completed design job to attach sessions to."""


def user_pool_size(sessions: int, jobs: int | None) -> int:
    """How many distinct users the sessions belong to (about four sessions each).

    Session i belongs to user i mod U and job i mod J (verify mode), so two sessions
    share both only if their indexes agree modulo lcm(J, U). Keeping lcm(J, U) >= the
    session count means no user ever has two sessions on one job, and the partial
    unique index (one active session per job and user) can never be violated.
    Bootstrap mode pairs sessions 2g and 2g+1 on job g, so any U >= 2 separates them.
    """
    size = max(2, -(-sessions // 4))
    if jobs is None:
        return size
    while jobs * size // gcd(jobs, size) < sessions:
        size += 1
    return size


@dataclass
class BatchWriter:
    """Generates and inserts sessions [lo, hi) and their children through Django's connection."""

    config: SeedConfig
    verify: bool
    jobs: int | None = None  # verify mode: how many existing jobs sessions are spread over

    @property
    def tables(self) -> tuple[str, ...]:
        stubs = () if self.verify else tuple(name for name, _ in STUB_TABLES)
        return stubs + tuple(name for name, _ in SESSION_TABLES)

    def prepare(self) -> None:
        """Create the run's temporary helpers; in verify mode, index the jobs to attach to."""
        # Atomic, so that a failure here leaves an enclosing transaction usable.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(functions_sql(self.config, connection.connection))
            cursor.execute(st.CREATE_BATCH_TABLE)
            if self.verify:
                cursor.execute(st.CREATE_JOBS_TABLE)
                cursor.execute("TRUNCATE pg_temp.seed_jobs")
                cursor.execute(st.FILL_JOBS_TABLE, {"required": [str(t) for t in REQUIRED_OUTPUT_TYPES]})
                self.jobs = cursor.rowcount
                if not self.jobs:
                    raise NoDesignJobs()
        self._params = self._base_params()

    def first_session_exists(self) -> bool:
        """Whether this seed's first session is already in the database (same seed, no --clear)."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE pg_temp.seed_batch")
            cursor.execute(self._shape_sql(), {**self._params, "lo": 0, "hi": 1})
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM tech_spec_sessions s JOIN pg_temp.seed_batch b ON b.id = s.id)"
            )
            exists = cursor.fetchone()[0]
            cursor.execute("TRUNCATE pg_temp.seed_batch")
        return exists

    def write(self, lo: int, hi: int, on_table: Callable[[str, int], None] | None = None) -> dict[str, int]:
        """Insert sessions [lo, hi) with their children and (bootstrap) their stub jobs, atomically.

        Returns rows written per table; on any error nothing of the batch remains.
        """
        written: dict[str, int] = {}
        params = {**self._params, "lo": lo, "hi": hi}
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE pg_temp.seed_batch")
            cursor.execute(self._shape_sql(), params)
            statements = (() if self.verify else STUB_TABLES) + SESSION_TABLES
            for table, statement in statements:
                cursor.execute(statement, params)
                written[table] = cursor.rowcount
                if on_table:
                    on_table(table, cursor.rowcount)
        return written

    def _shape_sql(self) -> str:
        return st.shape_sql(verify=self.verify, base_ms=BASE_MS, step_ms=self.config.step_ms)

    def _base_params(self) -> dict:
        c = self.config
        statuses = c.status_table()
        return {
            "seed": c.seed,
            "users": user_pool_size(c.sessions, self.jobs if self.verify else None),
            "jobs": self.jobs or 1,
            "research": c.research,
            "conversations": c.conversations,
            "errors": c.errors,
            "extra_trds": c.extra_trds_per_completed,
            "status_names": [name for name, _ in statuses],
            "status_floors": [floor for _, floor in statuses],
            "stages": list(st.STAGES),
            "stage_lo": list(st.STAGE_PROGRESS_LO),
            "stage_width": list(st.STAGE_PROGRESS_WIDTH),
            "output_types": [t for t, _ in vocab.DESIGN_OUTPUTS],
            "output_contents": [body for _, body in vocab.DESIGN_OUTPUTS],
            "decision_types": [d[0] for d in vocab.DESIGN_DECISIONS],
            "decision_values": [d[1] for d in vocab.DESIGN_DECISIONS],
            "decision_reasons": [d[2] for d in vocab.DESIGN_DECISIONS],
            "categories": list(vocab.CATEGORIES),
            "labels": list(vocab.CATEGORY_LABELS),
            "names": list(vocab.TECHNOLOGY_NAMES),
            "customs": list(vocab.CUSTOM_TECHNOLOGIES),
            "options": vocab.options_json(),
            "gaps": list(vocab.GAP_DESCRIPTIONS),
            "reasons": list(vocab.SELECTION_REASONS),
            "questions": list(vocab.AGENT_QUESTIONS),
            "progress": list(vocab.AGENT_PROGRESS),
            "replies": list(vocab.USER_REPLIES),
            "trd_content": vocab.TRD_CONTENT,
            "trd_api": vocab.TRD_API_SPEC,
            "trd_schema": vocab.TRD_DB_SCHEMA,
            "trd_diagram": vocab.TRD_DIAGRAM,
            "trd_stack": vocab.TRD_STACK,
            "nodes": list(vocab.NODES),
            "error_types": list(vocab.ERROR_TYPES),
            "error_messages": list(vocab.ERROR_MESSAGES),
            "stack_trace": vocab.STACK_TRACE,
            "strategies": list(vocab.RECOVERY_STRATEGIES),
        }

    def cleanup(self) -> None:
        """Drop the temporary tables; the pg_temp functions go with the connection.

        Never raises: it runs in `finally` and must not hide the error that ended the run.
        """
        with contextlib.suppress(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS pg_temp.seed_batch, pg_temp.seed_jobs")
