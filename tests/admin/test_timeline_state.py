"""The timeline's state changes: one entry per recorded status or stage change (the event log), none
for a progress tick, the start and a pre-log completion from the session row, and the same cost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sessions_app.choices import SessionStage, SessionStatus
from sessions_app.models import TechSpecSession
from sessions_app.selectors.timeline import KINDS, session_timeline
from tests.factories import TechConversationFactory, TechSpecSessionFactory
from tests.support.timeline import whole_timeline

pytestmark = pytest.mark.django_db

RUN = [  # (status, stage, progress) as a run moves; the second and fifth are progress ticks only
    (SessionStatus.IN_PROGRESS, SessionStage.ANALYSIS, 5),
    (SessionStatus.IN_PROGRESS, SessionStage.ANALYSIS, 10),
    (SessionStatus.IN_PROGRESS, SessionStage.RESEARCH, 30),
    (SessionStatus.WAITING_USER, SessionStage.RESEARCH, 40),
    (SessionStatus.WAITING_USER, SessionStage.RESEARCH, 41),
    (SessionStatus.COMPLETED, SessionStage.COMPLETED, 100),
]


def run(session, steps=RUN):
    """Each step its own UPDATE, as the services write them: the triggers log one event each."""
    for status, stage, progress in steps:
        TechSpecSession.objects.filter(pk=session.pk).update(
            status=status, current_stage=stage, progress_percentage=progress,
            completed_at=timezone.now() if status == SessionStatus.COMPLETED else None,
        )


def event_id(seq: int) -> str:
    return f"00000000-0000-0000-0000-{seq:012x}"


def test_each_recorded_status_or_stage_change_is_an_entry_and_progress_ticks_are_not():
    session = TechSpecSessionFactory(status=SessionStatus.PENDING, current_stage=SessionStage.INITIALIZATION,
                                     progress_percentage=0)
    run(session)
    page = session_timeline(session_id=session.pk, kinds=["state"])
    assert [(e.title, e.body, e.label, str(e.id)) for e in page.entries] == [
        ("Status waiting user → completed · Stage research → completed", "Progress 100%", "completed",
         event_id(6)),
        ("Status in progress → waiting user", "Progress 40%", "waiting_user", event_id(4)),
        ("Stage analysis → research", "Progress 30%", "in_progress", event_id(3)),
        ("Status pending → in progress · Stage initialization → analysis", "Progress 5%", "in_progress",
         event_id(1)),
        ("Session started", "", "", str(session.pk)),  # never an event: the log records updates
    ]  # and no "Session completed" from the session row: the recorded change covers it


def test_a_session_completed_before_the_event_log_keeps_its_completion_entry():
    session = TechSpecSessionFactory(status=SessionStatus.COMPLETED, current_stage=SessionStage.COMPLETED,
                                     progress_percentage=100, completed_at=timezone.now() + timedelta(seconds=5))
    titles = [e.title for e in session_timeline(session_id=session.pk, kinds=["state"]).entries]
    assert titles == ["Session completed", "Session started"]


def test_the_kind_filter_keeps_or_leaves_out_state_changes():
    session = TechSpecSessionFactory()
    run(session, RUN[:3])
    TechConversationFactory(session=session)
    assert {e.kind for e in session_timeline(session_id=session.pk, kinds=["state"]).entries} == {"state"}
    assert [e.kind for e in session_timeline(session_id=session.pk, kinds=["message"]).entries] == ["message"]


def test_pages_of_state_changes_and_messages_cover_every_entry_once_in_order():
    session = TechSpecSessionFactory(status=SessionStatus.PENDING, current_stage=SessionStage.INITIALIZATION)
    stages = [SessionStage.ANALYSIS, SessionStage.RESEARCH, SessionStage.DECISIONS, SessionStage.GENERATION]
    for i in range(12):
        run(session, [(SessionStatus.IN_PROGRESS, stages[i % 4], i), (SessionStatus.IN_PROGRESS, stages[i % 4], i + 1)])
        TechConversationFactory(session=session, timestamp=timezone.now())
    seen = whole_timeline(session, limit=5)
    assert len(seen) == 12 + 12 + 1  # changes (ticks left out), messages, the start
    assert len({(e.kind, e.id) for e in seen if e.title != "Session started"}) == 24
    keys = [(e.at, e.kind, str(e.id)) for e in seen]
    assert keys == sorted(keys, reverse=True)


def test_the_change_page_names_a_state_change_as_the_live_script_does(admin_client):
    session = TechSpecSessionFactory(status=SessionStatus.PENDING, current_stage=SessionStage.INITIALIZATION)
    run(session, RUN[:2])
    html = admin_client.get(reverse("admin:sessions_app_techspecsession_change", args=[session.pk])).content.decode()
    assert f'data-kind="state" data-id="{event_id(1)}"' in html
    assert f'data-id="{event_id(2)}"' not in html  # the progress tick
    assert "Status pending → in progress · Stage initialization → analysis" in html
    assert 'data-first-page="true"' in html and "data-palette=" in html
    # The timeline's styles (lists.css) and the live script, both: one Media must not hide the other.
    assert "techspec/admin/lists.css" in html and "sessions_app/session_events.js" in html


def test_change_page_query_count_does_not_grow_with_the_recorded_changes(admin_client):
    small, big = TechSpecSessionFactory(), TechSpecSessionFactory()
    run(small, RUN[:2])
    stages = [SessionStage.ANALYSIS, SessionStage.RESEARCH]
    run(big, [(SessionStatus.IN_PROGRESS, stages[i % 2], i % 100) for i in range(300)])
    # The first admin page after ContentType's cache was cleared (a transactional test's flush does
    # that) also looks up a content type, once per process: warm it, then compare.
    admin_client.get(reverse("admin:sessions_app_techspecsession_change", args=[small.pk]))
    counts = []
    for session in (small, big):
        url = reverse("admin:sessions_app_techspecsession_change", args=[session.pk])
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_state_branch_reads_the_state_change_index():
    session = TechSpecSessionFactory()
    run(session, [(SessionStatus.IN_PROGRESS, SessionStage.ANALYSIS, i) for i in range(40)])
    run(session, RUN)
    with CaptureQueriesContext(connection) as queries:
        page = session_timeline(session_id=session.pk, kinds=KINDS, limit=2)
        session_timeline(session_id=session.pk, before=page.next_cursor, limit=2)  # the keyset form too
    for query in queries.captured_queries:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {query['sql']}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        scans = [line for line in plan.splitlines() if " on session_events" in line]
        assert scans and all("session_events_state_idx" in line for line in scans), plan


def test_an_older_page_starts_after_a_state_change_at_the_same_moment():
    """Two changes logged at one moment (one transaction): the cursor's tie is on the id (the seq)."""
    session = TechSpecSessionFactory()
    run(session, RUN)
    moment = session.created_at + timedelta(minutes=1)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE session_events SET created_at = %s WHERE session_id = %s", [moment, session.pk])
    first = session_timeline(session_id=session.pk, kinds=["state"], limit=2)
    second = session_timeline(session_id=session.pk, kinds=["state"], before=first.next_cursor, limit=2)
    assert [str(e.id) for e in first.entries + second.entries] == [event_id(6), event_id(4), event_id(3), event_id(1)]


def test_a_completion_the_log_did_not_record_comes_from_the_session_row_once():
    """Changes recorded, the completion not (it happened before the log): the row's completion shows."""
    session = TechSpecSessionFactory(status=SessionStatus.PENDING, current_stage=SessionStage.INITIALIZATION)
    run(session)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM session_events WHERE session_id = %s AND seq = 6", [session.pk])
    titles = [e.title for e in session_timeline(session_id=session.pk, kinds=["state"]).entries]
    assert titles[0] == "Session completed" and titles.count("Session completed") == 1
    assert titles[1] == "Status in progress → waiting user"


def test_the_page_carries_the_event_cursor_it_was_read_at(admin_client):
    """The live script resumes after it: a change committed before the socket's snapshot is replayed."""
    session = TechSpecSessionFactory(status=SessionStatus.PENDING, current_stage=SessionStage.INITIALIZATION)
    assert session_timeline(session_id=session.pk).events_cursor == 0
    run(session, RUN[:3])
    assert session_timeline(session_id=session.pk, kinds=["error"]).events_cursor == 3  # an empty page too
    url = reverse("admin:sessions_app_techspecsession_change", args=[session.pk])
    assert 'data-events-cursor="3"' in admin_client.get(url).content.decode()
