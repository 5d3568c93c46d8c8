from django.db import migrations

from techspec_project.migration_operations import ForeignKeyOnDelete

# Every committed change a WebSocket client follows becomes a row of session_events,
# written by these triggers in the writing transaction (so a rolled-back write leaves
# nothing) and announced with pg_notify, which PostgreSQL delivers only at commit.
#
# Numbering: techspec_event_append takes the session's row in session_event_counters
# (an upsert) and keeps that lock to commit, so the next writer of the same session
# waits and takes the next number after this one committed: per-session numbers are
# in commit order. A bigserial would not be: it is assigned at insert, not at commit.
#
# Lock order is always session row, then counter row: the FKs are checked at commit
# (DEFERRABLE INITIALLY DEFERRED), and a writer holding the counter while waiting there
# for a session that another writer locked FOR UPDATE before appending would deadlock.
CREATE_TRIGGERS = """
CREATE FUNCTION techspec_event_append(p_session uuid, p_kind text, p_object uuid, p_data jsonb)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    next_seq bigint;
BEGIN
    PERFORM 1 FROM tech_spec_sessions WHERE id = p_session FOR KEY SHARE;
    INSERT INTO session_event_counters AS c (session_id, last_seq) VALUES (p_session, 1)
    ON CONFLICT (session_id) DO UPDATE SET last_seq = c.last_seq + 1
    RETURNING c.last_seq INTO next_seq;
    INSERT INTO session_events (session_id, seq, kind, object_id, data, created_at)
    VALUES (p_session, next_seq, p_kind, p_object, p_data, clock_timestamp());
    PERFORM pg_notify('techspec_session_events', p_session::text || ' ' || next_seq::text);
END $$;

CREATE FUNCTION techspec_events_session() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM techspec_event_append(NEW.id, 'session.updated', NEW.id, jsonb_build_object(
        'status', NEW.status, 'current_stage', NEW.current_stage,
        'progress_percentage', NEW.progress_percentage, 'completed_at', NEW.completed_at));
    RETURN NULL;
END $$;

CREATE FUNCTION techspec_events_research() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM techspec_event_append(NEW.session_id, 'research.added', NEW.id, jsonb_build_object(
            'id', NEW.id, 'technology_category', NEW.technology_category));
    END IF;
    IF NEW.selected_technology <> '' AND (TG_OP = 'INSERT' OR OLD.selected_technology = '') THEN
        PERFORM techspec_event_append(NEW.session_id, 'research.decided', NEW.id, jsonb_build_object(
            'id', NEW.id, 'technology_category', NEW.technology_category,
            'selected_technology', NEW.selected_technology,
            'is_custom_selection', NEW.is_custom_selection,
            'decision_timestamp', NEW.decision_timestamp));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION techspec_events_conversation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM techspec_event_append(NEW.session_id, 'conversation.message', NEW.id, jsonb_build_object(
        'id', NEW.id, 'role', NEW.role, 'message_type', NEW.message_type));
    RETURN NULL;
END $$;

CREATE FUNCTION techspec_events_trd() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM techspec_event_append(NEW.session_id, 'trd.stored', NEW.id, jsonb_build_object(
        'id', NEW.id, 'version', NEW.version, 'quality_score', NEW.quality_score::text,
        'created_at', NEW.created_at));
    RETURN NULL;
END $$;

CREATE FUNCTION techspec_events_error() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM techspec_event_append(
        NEW.session_id,
        CASE WHEN TG_OP = 'INSERT' THEN 'error.logged'
             WHEN NEW.recovered THEN 'error.recovered' ELSE 'error.reopened' END,
        NEW.id,
        jsonb_build_object('id', NEW.id, 'node', NEW.node, 'error_type', NEW.error_type,
                           'retry_count', NEW.retry_count, 'recovered', NEW.recovered,
                           'recovery_strategy', NEW.recovery_strategy, 'created_at', NEW.created_at));
    RETURN NULL;
END $$;

CREATE TRIGGER session_events_session AFTER UPDATE ON tech_spec_sessions FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.current_stage IS DISTINCT FROM NEW.current_stage
          OR OLD.progress_percentage IS DISTINCT FROM NEW.progress_percentage
          OR OLD.completed_at IS DISTINCT FROM NEW.completed_at)
    EXECUTE FUNCTION techspec_events_session();
CREATE TRIGGER session_events_research_insert AFTER INSERT ON tech_research FOR EACH ROW
    EXECUTE FUNCTION techspec_events_research();
CREATE TRIGGER session_events_research_decided AFTER UPDATE OF selected_technology ON tech_research FOR EACH ROW
    WHEN (OLD.selected_technology = '' AND NEW.selected_technology <> '')
    EXECUTE FUNCTION techspec_events_research();
CREATE TRIGGER session_events_conversation AFTER INSERT ON tech_conversations FOR EACH ROW
    EXECUTE FUNCTION techspec_events_conversation();
CREATE TRIGGER session_events_trd AFTER INSERT ON generated_trd_documents FOR EACH ROW
    EXECUTE FUNCTION techspec_events_trd();
CREATE TRIGGER session_events_error_insert AFTER INSERT ON agent_error_logs FOR EACH ROW
    EXECUTE FUNCTION techspec_events_error();
CREATE TRIGGER session_events_error_recovered AFTER UPDATE OF recovered ON agent_error_logs FOR EACH ROW
    WHEN (OLD.recovered IS DISTINCT FROM NEW.recovered)
    EXECUTE FUNCTION techspec_events_error();
"""

DROP_TRIGGERS = """
DROP TRIGGER session_events_error_recovered ON agent_error_logs;
DROP TRIGGER session_events_error_insert ON agent_error_logs;
DROP TRIGGER session_events_trd ON generated_trd_documents;
DROP TRIGGER session_events_conversation ON tech_conversations;
DROP TRIGGER session_events_research_decided ON tech_research;
DROP TRIGGER session_events_research_insert ON tech_research;
DROP TRIGGER session_events_session ON tech_spec_sessions;
DROP FUNCTION techspec_events_error();
DROP FUNCTION techspec_events_trd();
DROP FUNCTION techspec_events_conversation();
DROP FUNCTION techspec_events_research();
DROP FUNCTION techspec_events_session();
DROP FUNCTION techspec_event_append(uuid, text, uuid, jsonb);
"""



class Migration(migrations.Migration):
    """Cascades in PostgreSQL, and the triggers that log every committed change of a session."""

    dependencies = [
        ("sessions_app", "0010_session_event_log"),
    ]

    operations = [
        ForeignKeyOnDelete("sessioneventcounter", "session", "CASCADE"),
        ForeignKeyOnDelete("sessionevent", "session", "CASCADE"),
        migrations.RunSQL(CREATE_TRIGGERS, DROP_TRIGGERS),
    ]
