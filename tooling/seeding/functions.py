"""Deterministic pseudo-random helpers, created as temporary SQL functions for one run.

PostgreSQL generates the rows itself (INSERT ... SELECT over generate_series),
so "random" choices must be a pure function of (seed, row key, stream): the
same seed then gives the same rows whatever the batch size. hashint8extended
is PostgreSQL's own 64-bit hash with a seed argument; each call site uses its
own stream number so draws are independent. The functions are SQL-bodied and
IMMUTABLE, so the planner inlines them; they live in pg_temp and vanish with
the connection.
"""

from __future__ import annotations

from psycopg import sql

from tooling.seeding.config import BASE_MS, SeedConfig

# Only integers are interpolated (as SQL literals), never text from a user.
_FUNCTIONS = """
CREATE OR REPLACE FUNCTION pg_temp.sh(k bigint, s int) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN hashint8extended(k, {seed}::bigint * 1024 + s);

-- Uniform in [0, 1) from 53 bits of the hash.
CREATE OR REPLACE FUNCTION pg_temp.su(k bigint, s int) RETURNS float8
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (pg_temp.sh(k, s) & 9007199254740991)::float8 / 9007199254740992.0;

-- Uniform integer in [0, n).
CREATE OR REPLACE FUNCTION pg_temp.sp(k bigint, s int, n int) RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ((pg_temp.sh(k, s) & 2147483647) % greatest(n, 1))::int;

-- A count whose expectation is exactly `mean`: stochastic rounding of a uniform draw in [0, 2 * mean).
CREATE OR REPLACE FUNCTION pg_temp.sn(k bigint, s int, mean float8) RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN floor(2 * mean * pg_temp.su(k, s) + pg_temp.su(k, s + 1))::int;

-- A UUIDv7 whose 48-bit time is `ms`: rows created in time order append to the
-- primary-key b-tree instead of landing on random pages, which keeps large loads fast.
CREATE OR REPLACE FUNCTION pg_temp.suuid(ms bigint, k bigint, s int) RETURNS uuid
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN encode(
        int8send((ms << 16) | 28672 | (k & 4095))
        || int8send((pg_temp.sh(k, s) & 4611686018427387903) | (-9223372036854775807 - 1)),
        'hex')::uuid;

CREATE OR REPLACE FUNCTION pg_temp.ts(ms bigint) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN to_timestamp(ms / 1000.0);

-- Stub design job g serves sessions 2g and 2g+1; it completed three days before the first.
CREATE OR REPLACE FUNCTION pg_temp.job_ms(g bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN {base_ms}::bigint + 2 * g * {step_ms}::bigint - 259200000;

CREATE OR REPLACE FUNCTION pg_temp.job_id(g bigint) RETURNS uuid
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN pg_temp.suuid(pg_temp.job_ms(g), g, 20);

CREATE OR REPLACE FUNCTION pg_temp.job_project_id(g bigint) RETURNS uuid
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN pg_temp.suuid(pg_temp.job_ms(g) - 86400000, g, 21);
"""


def functions_sql(config: SeedConfig, raw_connection) -> str:
    """The CREATE FUNCTION statements for one run, with its seed and time step filled in."""
    return (
        sql.SQL(_FUNCTIONS)
        .format(
            seed=sql.Literal(config.seed),
            base_ms=sql.Literal(BASE_MS),
            step_ms=sql.Literal(config.step_ms),
        )
        .as_string(raw_connection)
    )
