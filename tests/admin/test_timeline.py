"""The session page's timeline: every kind of event in one order, filters, keyset pages, escaping, cost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sessions_app.choices import SessionStage, SessionStatus
from sessions_app.errors import InvalidCursor
from sessions_app.models import TechConversation
from sessions_app.selectors.timeline import KINDS, session_timeline
from tests.factories import (
    AgentErrorLogFactory,
    GeneratedTRDDocumentFactory,
    TechConversationFactory,
    TechResearchFactory,
    TechSpecSessionFactory,
)
from tests.support.timeline import whole_timeline

pytestmark = pytest.mark.django_db


def change_url(session, **params):
    url = reverse("admin:sessions_app_techspecsession_change", args=[session.pk])
    return url, params


@pytest.fixture
def story():
    """A completed session with one event of every kind, a minute apart (oldest first)."""
    start = timezone.now().replace(microsecond=0) - timedelta(hours=1)
    session = TechSpecSessionFactory(
        status=SessionStatus.COMPLETED, current_stage=SessionStage.COMPLETED, progress_percentage=100,
        completed_at=start + timedelta(minutes=10),
    )
    session.__class__.objects.filter(pk=session.pk).update(created_at=start)
    minute = timedelta(minutes=1)
    research = TechResearchFactory(session=session, technology_category="database", created_at=start + minute)
    message = TechConversationFactory(session=session, message="Which database?", timestamp=start + 2 * minute)
    research.selected_technology, research.decision_timestamp = "PostgreSQL", start + timedelta(minutes=3)
    research.selection_reasoning = "JSONB"
    research.save()
    error = AgentErrorLogFactory(session=session, created_at=start + timedelta(minutes=4))
    trd = GeneratedTRDDocumentFactory(session=session, version=1, created_at=start + timedelta(minutes=5))
    return {"session": session, "research": research, "message": message, "error": error, "trd": trd}


def test_every_kind_appears_newest_first(story):
    session = story["session"]
    page = session_timeline(session_id=session.pk)
    assert [(e.kind, e.title) for e in page.entries] == [
        ("state", "Session completed"),
        ("trd", "version 1"),
        ("error", f"{story['error'].node} · {story['error'].error_type}"),
        ("decision", "database"),
        ("message", "agent"),
        ("research", "database"),
        ("state", "Session started"),
    ]
    assert page.next_cursor is None


def test_a_kind_filter_shows_only_that_kind(story):
    page = session_timeline(session_id=story["session"].pk, kinds=["error", "decision"])
    assert [e.kind for e in page.entries] == ["error", "decision"]


def test_pages_cover_every_entry_once_in_order_even_when_timestamps_tie():
    session = TechSpecSessionFactory()
    moment = timezone.now() - timedelta(minutes=5)
    TechConversationFactory.create_batch(23, session=session, timestamp=moment)  # one shared timestamp
    AgentErrorLogFactory.create_batch(4, session=session, created_at=moment)
    TechConversationFactory.create_batch(5, session=session, timestamp=moment - timedelta(seconds=1))

    seen = whole_timeline(session, limit=7)

    assert len(seen) == 23 + 4 + 5 + 1  # and the start
    assert len({(e.kind, e.id, e.title) for e in seen}) == len(seen)
    keys = [(e.at, e.kind, str(e.id)) for e in seen]
    assert keys == sorted(keys, reverse=True)


def test_a_forged_cursor_is_refused():
    with pytest.raises(InvalidCursor):
        session_timeline(session_id=TechSpecSessionFactory().pk, before="bm90IGEgY3Vyc29y")


def test_change_page_shows_the_timeline_with_stable_ids_for_live_updates(admin_client, story):
    url, _ = change_url(story["session"])
    html = admin_client.get(url).content.decode()
    assert 'id="session-timeline"' in html
    assert f'data-kind="message" data-id="{story["message"].pk}"' in html
    assert f'data-kind="error" data-id="{story["error"].pk}"' in html
    assert "Which database?" in html and "version 1" in html


def test_change_page_filters_and_pages_the_timeline(admin_client):
    session = TechSpecSessionFactory()
    now = timezone.now()
    for i in range(60):
        TechConversationFactory(session=session, message=f"note {i:02d}", timestamp=now - timedelta(seconds=i))
    AgentErrorLogFactory(session=session, error_type="OnlyErrorHere")
    url, _ = change_url(session)

    first = admin_client.get(url, {"kind": "message"})
    html = first.content.decode()
    assert "note 00" in html and "note 49" in html and "note 50" not in html
    assert "OnlyErrorHere" not in html.split('id="session-timeline"')[1].split("</ol>")[0]
    older = first.context["timeline"]["older_url"]
    assert older

    second = admin_client.get(url + older.split("#")[0]).content.decode()
    timeline = second.split('id="session-timeline"')[1].split("</ol>")[0]
    assert "note 50" in timeline and "note 59" in timeline and "note 49" not in timeline


def test_a_stale_page_link_shows_the_newest_entries_with_a_warning(admin_client, story):
    url, _ = change_url(story["session"])
    response = admin_client.get(url, {"before": "garbage!"})
    assert response.status_code == 200
    assert "not valid any more" in response.content.decode()
    assert response.context["timeline"]["entries"]


def test_agent_written_text_is_escaped(admin_client):
    session = TechSpecSessionFactory()
    TechConversationFactory(session=session, message='<img src=x onerror="alert(1)">')
    AgentErrorLogFactory(session=session, message="<script>alert(2)</script>")
    url, _ = change_url(session)
    html = admin_client.get(url).content.decode()
    assert '<img src=x onerror="alert(1)">' not in html and "&lt;img src=x" in html
    assert "<script>alert(2)</script>" not in html and "&lt;script&gt;alert(2)" in html


def test_change_page_query_count_does_not_grow_with_the_history(admin_client):
    small, big = TechSpecSessionFactory(), TechSpecSessionFactory()
    TechConversationFactory.create_batch(3, session=small)
    now = timezone.now()
    TechConversation.objects.bulk_create(
        TechConversation(session=big, role="agent", message=f"m{i}", timestamp=now - timedelta(seconds=i))
        for i in range(400)
    )
    # The first admin page after ContentType's cache was cleared (a transactional test's flush does
    # that) looks up a content type once per process: warm it, then compare.
    assert admin_client.get(change_url(small)[0]).status_code == 200
    counts = []
    for session in (small, big):
        url, _ = change_url(session)
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_each_branch_of_the_timeline_query_can_use_an_index(story):
    """With sequential scans priced out, a branch that had no usable index would still show one."""
    session = story["session"]
    with CaptureQueriesContext(connection) as queries:
        page = session_timeline(session_id=session.pk, kinds=KINDS, limit=3)
        session_timeline(session_id=session.pk, before=page.next_cursor, limit=3)  # the keyset form too
    sql = queries.captured_queries[-1]["sql"]
    assert "< (" in sql or "<=" in sql
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan" not in plan
    # Which index the planner takes depends on the statistics of the moment (on a test database,
    # the newest-first conversation_time_idx may win); every branch reads its table by one. A
    # Bitmap Heap Scan is one too: it reads only the pages its Bitmap Index Scan found.
    for table in ("tech_conversations", "agent_error_logs", "tech_research", "generated_trd_documents",
                  "tech_spec_sessions"):
        scans = [line for line in plan.splitlines() if f" on {table}" in line]
        assert scans and all("Index" in line or "Bitmap Heap Scan" in line for line in scans), (table, plan)
