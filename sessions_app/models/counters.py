"""Counters PostgreSQL keeps exact by triggers (status counts, the console's daily counts) and the
API's rate-limit windows: tables of figures, not of the domain's rows."""

from __future__ import annotations

from django.db import models


class SessionStatusCount(models.Model):
    """Sessions per status (and their summed progress), kept exact by PostgreSQL triggers.

    Counting a million sessions by status takes a full scan; this summary is
    updated in the same transaction as every insert, update, delete or truncate
    of tech_spec_sessions, whoever runs it (ORM, raw SQL, COPY). Each backend
    writes its own shard row (pg_backend_pid() % 64), so concurrent writers
    rarely wait on one another; readers sum the shards. A shard's `n` can be
    negative (a session counted in one shard and deleted from another).
    """

    pk = models.CompositePrimaryKey("status", "shard")
    status = models.CharField(max_length=20)
    shard = models.SmallIntegerField()
    n = models.BigIntegerField(default=0)
    progress_sum = models.BigIntegerField(default=0)

    class Meta:
        db_table = "session_status_counts"

    def __str__(self) -> str:
        return f"{self.status}[{self.shard}] = {self.n}"


class ConsoleDailyCount(models.Model):
    """Per-day counters the staff overview and error triage read, kept exact by PostgreSQL triggers.

    One row per (UTC day, metric, key, shard); readers sum the shards, as with
    SessionStatusCount. Metrics (migration 0009 writes them from every insert,
    update, delete or truncate, whoever runs it):

    - ``sessions``: sessions created that day; key ``status/stage`` (current values).
    - ``completed``: sessions completed that day; key the duration bucket
      floor(4·log2(seconds from start to completion)), a quarter octave wide.
    - ``errors`` / ``open_errors``: errors logged that day (all / not recovered);
      key ``node<US>error_type`` (US is the unit separator, chr(31)).
    - ``trds``: TRD versions created that day; key the quality score decile ("0".."90") or "none".

    Every fact is counted twice: on its day and on 1970-01-01 (selectors.overview.ALL_TIME), so
    all-time figures read one day's rows however many days there are.
    """

    # Metric first: every read names its metrics and a range of days, an index range scan.
    pk = models.CompositePrimaryKey("metric", "day", "key", "shard")
    metric = models.CharField(max_length=20)
    day = models.DateField()
    key = models.TextField()
    shard = models.SmallIntegerField()
    n = models.BigIntegerField(default=0)

    class Meta:
        db_table = "console_daily_counts"

    def __str__(self) -> str:
        return f"{self.day} {self.metric} {self.key}[{self.shard}] = {self.n}"


class ApiRateCounter(models.Model):
    """Requests counted against one API limit (a caller, or the whole API) in its current window.

    A row is a fixed window that starts at the key's first request and lasts
    `window_seconds`; the next request after it ends starts a new one. The API's
    throttle counts every limit of a request in one atomic upsert (see
    sessions_app/api/rate_counters.py). The table is UNLOGGED: counting writes no
    WAL and waits for no disk flush, and a crash of PostgreSQL only resets the counts.
    """

    key = models.TextField(primary_key=True)
    window_start = models.DateTimeField()
    window_seconds = models.PositiveIntegerField()
    hits = models.PositiveIntegerField()

    class Meta:
        db_table = "api_rate_counters"
        constraints = [
            models.CheckConstraint(condition=models.Q(window_seconds__gt=0), name="api_rate_counters_window_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.hits} since {self.window_start:%H:%M:%S}"
