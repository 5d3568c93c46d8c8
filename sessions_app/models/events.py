"""The session event log: every committed change a WebSocket client follows (migration 0011).

Triggers on the session and its child tables append a row here in the writing
transaction and `pg_notify` its (session, seq) on commit, so a write from any
process is logged, and a rolled-back one never is. `seq` is numbered per session
by SessionEventCounter under a row lock held to commit, so a session's numbers
are in commit order: a reader never sees seq 11 before seq 10.
"""

from __future__ import annotations

from django.db import models

from sessions_app.models.sessions import TechSpecSession


class SessionEventCounter(models.Model):
    """The last event number of one session; its row lock serialises the session's event writers."""

    session = models.OneToOneField(
        TechSpecSession, on_delete=models.CASCADE, primary_key=True, related_name="event_counter"
    )
    last_seq = models.BigIntegerField()

    class Meta:
        db_table = "session_event_counters"

    def __str__(self) -> str:
        return f"{self.session_id}: {self.last_seq}"


class SessionEvent(models.Model):
    """One committed change of a session, numbered in commit order within the session."""

    pk = models.CompositePrimaryKey("session", "seq")
    session = models.ForeignKey(TechSpecSession, on_delete=models.CASCADE, related_name="events", db_index=False)
    seq = models.BigIntegerField()
    kind = models.CharField(max_length=40)
    object_id = models.UUIDField(null=True)
    # Small fields only; long text (messages) is read from its table when the event is sent.
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        db_table = "session_events"

    def __str__(self) -> str:
        return f"{self.session_id}#{self.seq} {self.kind}"
