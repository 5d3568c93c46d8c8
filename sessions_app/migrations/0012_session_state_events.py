from django.db import migrations

# A `session.updated` event also records the status and stage it moved FROM, so a reader (the
# admin timeline, a WebSocket client) can tell a state change from a progress tick without
# reading the event before it; and a partial index holds only the state changes, so the
# timeline's newest-first page of them reads a few index entries however many ticks and
# messages the session logged. Events logged before this migration get their previous values
# from the session's previous `session.updated` event; a session's first one has none and
# counts as a change (the state it left is unknown).
#
# The index predicate is repeated word for word by sessions_app/selectors/timeline.py
# (STATE_CHANGE_SQL): PostgreSQL uses a partial index only for a query that implies it.
STATE_CHANGE = """kind = 'session.updated' AND ((data->>'status') IS DISTINCT FROM (data->>'previous_status')
    OR (data->>'current_stage') IS DISTINCT FROM (data->>'previous_stage'))"""

FORWARD = """
CREATE OR REPLACE FUNCTION techspec_events_session() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM techspec_event_append(NEW.id, 'session.updated', NEW.id, jsonb_build_object(
        'status', NEW.status, 'current_stage', NEW.current_stage,
        'progress_percentage', NEW.progress_percentage, 'completed_at', NEW.completed_at,
        'previous_status', OLD.status, 'previous_stage', OLD.current_stage));
    RETURN NULL;
END $$;

UPDATE session_events e
   SET data = e.data || jsonb_build_object('previous_status', p.previous_status, 'previous_stage', p.previous_stage)
  FROM (SELECT session_id, seq,
               lag(data->>'status') OVER w AS previous_status,
               lag(data->>'current_stage') OVER w AS previous_stage
          FROM session_events WHERE kind = 'session.updated'
        WINDOW w AS (PARTITION BY session_id ORDER BY seq)) p
 WHERE e.session_id = p.session_id AND e.seq = p.seq AND p.previous_status IS NOT NULL;
"""
INDEX = f"CREATE INDEX session_events_state_idx ON session_events (session_id, created_at, seq) WHERE {STATE_CHANGE}"

BACKWARD = """
DROP INDEX session_events_state_idx;
UPDATE session_events SET data = data - 'previous_status' - 'previous_stage' WHERE kind = 'session.updated';
CREATE OR REPLACE FUNCTION techspec_events_session() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM techspec_event_append(NEW.id, 'session.updated', NEW.id, jsonb_build_object(
        'status', NEW.status, 'current_stage', NEW.current_stage,
        'progress_percentage', NEW.progress_percentage, 'completed_at', NEW.completed_at));
    RETURN NULL;
END $$;
"""


class Migration(migrations.Migration):
    """State changes in the event log: the previous status/stage, and an index of the changes alone."""

    dependencies = [
        ("sessions_app", "0011_session_event_triggers"),
    ]

    operations = [migrations.RunSQL(FORWARD + INDEX, BACKWARD)]
