"""The INSERT ... SELECT statements that generate one batch of sessions server-side.

A batch first computes each session's shape (ids, status, stage, child counts,
times) into pg_temp.seed_batch, then every table's statement derives its rows
from that table, so a child can never point at a session outside its batch.
Draws use the pg_temp helpers of functions.py; `%(name)s` are bind parameters
(vocabulary lists and averages), and `mod()` stands in for `%` to keep those
unambiguous. Stream numbers (the last-but-one argument of sh/su/sp/sn/suuid)
are unique per draw.
"""

from __future__ import annotations

from design_bridge.shared_schema import REQUIRED_COLUMNS
from sessions_app.choices import SessionStage

# Stage index 0..7 in SessionStage order; progress of a stage lies in [lo, lo + width).
STAGES = tuple(str(stage.value) for stage in SessionStage)
STAGE_PROGRESS_LO = (0, 5, 20, 40, 55, 70, 85, 100)
STAGE_PROGRESS_WIDTH = (5, 15, 20, 15, 15, 15, 15, 1)

CREATE_BATCH_TABLE = """
CREATE TEMP TABLE IF NOT EXISTS seed_batch (
    i bigint PRIMARY KEY, id uuid, job_id uuid, project_id uuid, user_id uuid, status text,
    stage int, progress int, s_ms bigint, end_ms bigint, c0 int, cstep int,
    n_res int, n_dec int, n_conv int, n_trd int, n_err int
)
"""
CREATE_JOBS_TABLE = """
CREATE TEMP TABLE IF NOT EXISTS seed_jobs (idx bigint PRIMARY KEY, id uuid, project_id uuid, done_ms bigint)
"""
# Verify mode: the existing completed jobs that have every required document, in a stable order.
FILL_JOBS_TABLE = """
INSERT INTO pg_temp.seed_jobs (idx, id, project_id, done_ms)
SELECT row_number() OVER (ORDER BY j.created_at, j.id) - 1, j.id, j.project_id,
       (extract(epoch FROM coalesce(j.completed_at, j.updated_at)) * 1000)::bigint
FROM shared.design_jobs j
WHERE j.status = 'completed'
  AND (SELECT count(DISTINCT o.output_type) FROM shared.design_outputs o
       WHERE o.job_id = j.id AND o.output_type = ANY(%(required)s)) = cardinality(%(required)s::text[])
"""

# The session shape, shared by both modes; {job} is the mode's job columns (a fixed fragment below).
_SHAPE = """
INSERT INTO pg_temp.seed_batch
SELECT i, pg_temp.suuid(s_ms, i, 24), job_id, project_id,
       pg_temp.suuid({base_ms}, mod(i, %(users)s), 23),
       status, stage, CASE WHEN stage = 7 THEN 100
                           ELSE (%(stage_lo)s::int[])[stage + 1] + pg_temp.sp(i, 3, (%(stage_width)s::int[])[stage + 1])
                      END,
       s_ms, s_ms + 600000 + greatest(n_conv, 2) * 90000 + pg_temp.sp(i, 15, 7200000),
       pg_temp.sp(i, 12, 12), (ARRAY[1, 5, 7, 11])[1 + pg_temp.sp(i, 13, 4)],
       n_res,
       CASE WHEN stage >= 4 THEN n_res WHEN status = 'waiting_user' THEN greatest(n_res - 1, 0) ELSE 0 END,
       n_conv,
       CASE WHEN status = 'completed' THEN 1 + pg_temp.sn(i, 8, %(extra_trds)s) ELSE 0 END,
       CASE WHEN status = 'failed' THEN greatest(n_err, 1) ELSE n_err END
FROM (
    SELECT i, job_id, project_id, status, s_ms,
           CASE status WHEN 'completed' THEN 7 WHEN 'pending' THEN 0 WHEN 'waiting_user' THEN 3
                       WHEN 'cancelled' THEN pg_temp.sp(i, 2, 7) ELSE 1 + pg_temp.sp(i, 2, 6) END AS stage,
           pg_temp.sn(i, 4, %(research)s) AS n_res,
           pg_temp.sn(i, 6, %(conversations)s) AS n_conv,
           pg_temp.sn(i, 10, %(errors)s) AS n_err
    FROM (
        SELECT i, {job},
               (%(status_names)s::text[])[width_bucket(u, %(status_floors)s::float8[])] AS status
        FROM (SELECT i, pg_temp.su(i, 1) AS u FROM generate_series(%(lo)s::bigint, %(hi)s::bigint - 1) AS i) AS d
        {join}
    ) AS s
) AS t
"""
# The step between sessions can exceed 2**31 ms at small scales, hence bigint arithmetic, not sp().
_BOOTSTRAP_JOB = (
    "pg_temp.job_id(i / 2) AS job_id, pg_temp.job_project_id(i / 2) AS project_id, "
    "{base_ms} + i * {step_ms} + mod(pg_temp.sh(i, 14) & 9223372036854775807, {half_step}) AS s_ms"
)
# A session on an existing job starts after that job completed.
_VERIFY_JOB = (
    "j.id AS job_id, j.project_id, "
    "greatest({base_ms} + i * {step_ms} + mod(pg_temp.sh(i, 14) & 9223372036854775807, {half_step}),"
    " j.done_ms + 60000) AS s_ms"
)
_VERIFY_JOIN = "JOIN pg_temp.seed_jobs AS j ON j.idx = mod(d.i, %(jobs)s)"


def shape_sql(*, verify: bool, base_ms: int, step_ms: int) -> str:
    """The statement filling pg_temp.seed_batch; only integers are formatted in."""
    ints = {"base_ms": int(base_ms), "step_ms": int(step_ms), "half_step": max(int(step_ms) // 2, 1)}
    job = (_VERIFY_JOB if verify else _BOOTSTRAP_JOB).format(**ints)
    return _SHAPE.format(job=job, join=_VERIFY_JOIN if verify else "", base_ms=ints["base_ms"])


# --- shared.* stubs (bootstrap mode only) --------------------------------------------


def _shared_insert(table: str, values: dict[str, str], source: str) -> str:
    """INSERT INTO shared.<table> ... SELECT, its columns those design_bridge/shared_schema.py defines.

    `values` gives each column's expression; a column added there and not here (or the
    reverse) fails at import, not halfway through a seed.
    """
    columns = REQUIRED_COLUMNS[table]
    if set(values) != set(columns):
        raise ValueError(f"shared.{table}: the seeder writes {sorted(values)}, the schema has {sorted(columns)}")
    return (f"INSERT INTO shared.{table} ({', '.join(columns)})\nSELECT "
            + ",\n       ".join(values[column] for column in columns) + "\n" + source)


# Stub jobs of sessions [lo, hi): job g serves sessions 2g and 2g+1.
_STUB_JOBS = "FROM generate_series(%(lo)s::bigint / 2, (%(hi)s::bigint - 1) / 2) AS g"
INSERT_JOBS = _shared_insert("design_jobs", {
    "id": "pg_temp.job_id(g)",
    "project_id": "pg_temp.job_project_id(g)",
    "user_id": "pg_temp.suuid(pg_temp.job_ms(g), g, 22)",
    "status": "'completed'",
    "created_at": "pg_temp.ts(pg_temp.job_ms(g))",
    "updated_at": "pg_temp.ts(pg_temp.job_ms(g) + 7200000)",
    "completed_at": "pg_temp.ts(pg_temp.job_ms(g) + 7200000)",
}, _STUB_JOBS)
INSERT_STUB_MARKS = "INSERT INTO seed_stub_design_jobs (design_job_id)\nSELECT pg_temp.job_id(g) " + _STUB_JOBS
INSERT_OUTPUTS = _shared_insert("design_outputs", {
    "id": "pg_temp.suuid(pg_temp.job_ms(g) + 3600000 + o * 1000, g * 8 + o, 25)",
    "job_id": "pg_temp.job_id(g)",
    "output_type": "(%(output_types)s::text[])[o]",
    "content": "(%(output_contents)s::text[])[o]",
    "file_path": "CASE WHEN (%(output_types)s::text[])[o] = 'ai_studio_code' "
                 "THEN 'ai-studio/' || pg_temp.job_id(g) || '/src/App.tsx' END",
    "created_at": "pg_temp.ts(pg_temp.job_ms(g) + 3600000 + o * 1000)",
}, _STUB_JOBS + ",\n     generate_series(1, cardinality(%(output_types)s::text[])) AS o")
INSERT_DECISIONS = _shared_insert("design_decisions", {
    "id": "pg_temp.suuid(pg_temp.job_ms(g) + 1800000 + d * 1000, g * 8 + d, 27)",
    "job_id": "pg_temp.job_id(g)",
    "decision_type": "(%(decision_types)s::text[])[x.n + 1]",
    "decision_value": "(%(decision_values)s::text[])[x.n + 1]",
    "reasoning": "(%(decision_reasons)s::text[])[x.n + 1]",
    "created_at": "pg_temp.ts(pg_temp.job_ms(g) + 1800000 + d * 1000)",
}, _STUB_JOBS + ",\n     generate_series(1, 2 + pg_temp.sp(g, 26, 2)) AS d,\n"
   "     LATERAL (SELECT mod(pg_temp.sp(g, 28, 5) + d, 5) AS n) AS x")

# --- techspec tables -----------------------------------------------------------------
INSERT_SESSIONS = """
INSERT INTO tech_spec_sessions (id, project_id, design_job_id, user_id, status, current_stage,
    progress_percentage, session_data, websocket_url, created_at, updated_at, completed_at)
SELECT id, project_id, job_id, user_id, status, (%(stages)s::text[])[stage + 1], progress,
       jsonb_build_object('source', 'seed_data', 'seed', %(seed)s::int, 'gaps_found', n_res),
       '/ws/tech-spec/' || id, pg_temp.ts(s_ms), pg_temp.ts(end_ms),
       CASE WHEN status = 'completed' THEN pg_temp.ts(end_ms) END
FROM pg_temp.seed_batch ORDER BY i
"""

# Research j of session i: key i * 65536 + j; created one second apart after analysis.
# Its options are `cnt` consecutive candidates from `r0`; a decision picks one of them
# (or, for 6% of decisions, a custom technology outside the list).
INSERT_RESEARCH = """
INSERT INTO tech_research (id, session_id, technology_category, gap_description, researched_options,
    selected_technology, is_custom_selection, selection_reasoning, decision_timestamp, created_at)
SELECT pg_temp.suuid(b.s_ms + 60000 + j * 1000, k, 32), b.id, (%(categories)s::text[])[cat + 1],
       replace((%(gaps)s::text[])[1 + pg_temp.sp(k, 37, 4)], '{label}', (%(labels)s::text[])[cat + 1]),
       (%(options)s::jsonb[])[(cat * 4 + r0) * 3 + cnt - 1],
       CASE WHEN NOT decided THEN ''
            WHEN custom THEN (%(customs)s::text[])[1 + pg_temp.sp(k, 34, 5)]
            ELSE (%(names)s::text[])[cat * 4 + mod(r0 + pg_temp.sp(k, 35, cnt), 4) + 1] END,
       decided AND custom,
       CASE WHEN decided THEN (%(reasons)s::text[])[1 + pg_temp.sp(k, 36, 5)] ELSE '' END,
       CASE WHEN decided THEN pg_temp.ts(b.s_ms + j * 180000 + 30000) END,
       pg_temp.ts(b.s_ms + 60000 + j * 1000)
FROM pg_temp.seed_batch AS b, generate_series(1, b.n_res) AS j,
     LATERAL (SELECT b.i * 65536 + j AS k, mod(b.c0 + (j - 1) * b.cstep, 12) AS cat, j <= b.n_dec AS decided) AS x,
     LATERAL (SELECT pg_temp.sp(k, 30, 4) AS r0, 2 + pg_temp.sp(k, 31, 3) AS cnt,
                     pg_temp.su(k, 33) < 0.06 AS custom) AS y
ORDER BY b.i, j
"""

# Message m alternates agent (odd) and user (even); pair p = (m - 1) / 2 discusses research
# p + 1 while there is one, so options and decisions link to the research they are about.
INSERT_CONVERSATIONS = """
INSERT INTO tech_conversations (id, session_id, research_id, role, message, message_type, metadata, timestamp)
SELECT pg_temp.suuid(t_ms, k, 41), b.id,
       CASE WHEN r <= b.n_res THEN pg_temp.suuid(b.s_ms + 60000 + r * 1000, b.i * 65536 + r, 32) END,
       CASE WHEN agent THEN 'agent' ELSE 'user' END,
       CASE WHEN r <= b.n_res AND agent
                THEN 'I researched the options for the ' || (%(labels)s::text[])[cat + 1] || '. Which fits best?'
            WHEN r <= b.n_dec THEN 'Let''s go with your recommendation for the ' || (%(labels)s::text[])[cat + 1] || '.'
            WHEN agent AND mod(p, 2) = 0 THEN (%(questions)s::text[])[1 + pg_temp.sp(k, 42, 4)]
            WHEN agent THEN (%(progress)s::text[])[1 + pg_temp.sp(k, 42, 4)]
            ELSE (%(replies)s::text[])[1 + pg_temp.sp(k, 43, 5)] END,
       CASE WHEN r <= b.n_res AND agent THEN 'options' WHEN r <= b.n_dec THEN 'decision'
            WHEN agent AND mod(p, 2) = 0 THEN 'question' WHEN agent THEN 'progress' ELSE 'text' END,
       CASE WHEN r <= b.n_res AND agent THEN '{"ui": "option_cards"}'::jsonb ELSE '{}'::jsonb END,
       pg_temp.ts(t_ms)
FROM pg_temp.seed_batch AS b, generate_series(1, b.n_conv) AS m,
     LATERAL (SELECT b.i * 65536 + m AS k, (m - 1) / 2 AS p, mod(m, 2) = 1 AS agent,
                     (m - 1) / 2 + 1 AS r, mod(b.c0 + ((m - 1) / 2) * b.cstep, 12) AS cat) AS x,
     LATERAL (SELECT b.s_ms + m * 90000 + pg_temp.sp(k, 40, 60000) AS t_ms) AS y
ORDER BY b.i, m
"""

# Versions 1..n, ten minutes apart, the last one just before the session completed.
INSERT_TRDS = """
INSERT INTO generated_trd_documents (id, session_id, trd_content, api_specification, database_schema,
    architecture_diagram, tech_stack_document, quality_score, validation_report, version, created_at)
SELECT pg_temp.suuid(t_ms, k, 50), b.id,
       %(trd_content)s || E'\\n## 8. Revision\\nVersion ' || v || E'.\\n',
       %(trd_api)s, %(trd_schema)s, %(trd_diagram)s, %(trd_stack)s, score,
       jsonb_build_object('passed', score >= 75, 'score', score, 'checks', 12,
                          'warnings', pg_temp.sp(k, 52, 4)),
       v, pg_temp.ts(t_ms)
FROM pg_temp.seed_batch AS b, generate_series(1, b.n_trd) AS v,
     LATERAL (SELECT b.i * 65536 + v AS k, b.end_ms - (b.n_trd - v) * 600000 - 60000 AS t_ms) AS x,
     LATERAL (SELECT round((70 + pg_temp.su(k, 51) * 28)::numeric, 2) AS score) AS y
ORDER BY b.i, v
"""

# Errors are spread evenly over the session; the last error of a failed session is the
# one it did not recover from.
INSERT_ERRORS = """
INSERT INTO agent_error_logs (id, session_id, node, error_type, message, stack_trace, retry_count, recovered,
    recovery_strategy, created_at)
SELECT pg_temp.suuid(t_ms, k, 60), b.id, (%(nodes)s::text[])[node + 1], (%(error_types)s::text[])[node + 1],
       (%(error_messages)s::text[])[node + 1],
       %(stack_trace)s || (%(error_types)s::text[])[node + 1] || ': ' || (%(error_messages)s::text[])[node + 1],
       retries, recovered,
       CASE WHEN recovered THEN (%(strategies)s::text[])[1 + pg_temp.sp(k, 63, 7)]
            WHEN retries > 0 THEN 'retry_with_backoff' ELSE '' END,
       pg_temp.ts(t_ms)
FROM pg_temp.seed_batch AS b, generate_series(1, b.n_err) AS e,
     LATERAL (SELECT b.i * 65536 + e AS k, b.s_ms + (b.end_ms - b.s_ms) * e / (b.n_err + 1) AS t_ms) AS x,
     LATERAL (SELECT pg_temp.sp(k, 61, 10) AS node, pg_temp.sp(k, 62, 4) AS retries,
                     NOT (b.status = 'failed' AND e = b.n_err) AND pg_temp.su(k, 64) < 0.8 AS recovered) AS y
ORDER BY b.i, e
"""
