"""The database health page: superusers only, every section from PostgreSQL's catalogs, and a real cancel."""

from __future__ import annotations

import re
import threading
import time

import psycopg
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessions_app.selectors import db_health
from tests.factories import TechConversationFactory, TechSpecSessionFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("techspec-db-health")
SECTIONS = ("overview", "running", "connections", "statements", "replication", "tables", "indexes")


def test_superusers_see_every_section(admin_client):
    html = admin_client.get(PAGE).content.decode()
    for section in SECTIONS:
        assert f'id="{section}"' in html
    assert "tech_spec_sessions" in html and "conversation_session_time_idx" in html
    assert "Slow-query threshold: 1000 ms" in html


def test_staff_who_are_not_superusers_are_refused(client, django_user_model):
    staff = django_user_model.objects.create_user("clerk", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(PAGE).status_code == 403
    assert client.get(reverse("techspec-db-health-cancel", args=[1])).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_index_links_the_page_for_superusers_only(admin_client, client, django_user_model):
    assert PAGE in admin_client.get(reverse("admin:index")).content.decode()
    staff = django_user_model.objects.create_user("clerk", password="x", is_staff=True)
    client.force_login(staff)
    assert PAGE not in client.get(reverse("admin:index")).content.decode()


def test_without_pg_stat_statements_the_page_says_how_to_enable_it(admin_client):
    statements = db_health.statement_stats()
    html = admin_client.get(PAGE).content.decode()
    if statements.installed and not statements.error:
        pytest.skip("this server has pg_stat_statements enabled")
    assert 'id="statements-missing"' in html
    assert "shared_preload_libraries" in html and "CREATE EXTENSION pg_stat_statements" in html


def test_a_duplicate_index_is_named_with_the_index_that_covers_it(admin_client):
    with connection.cursor() as cursor:
        # research_session_category_idx leads with session_id already.
        cursor.execute("CREATE INDEX test_dup_research_session ON tech_research (session_id)")
    row = next(i for i in db_health.index_stats() if i["name"] == "test_dup_research_session")
    assert row["duplicate_of"] == "research_session_category_idx"
    html = admin_client.get(PAGE).content.decode()
    assert "Covered by research_session_category_idx: DROP INDEX CONCURRENTLY public.test_dup_research_session" in html


def test_a_pattern_ops_index_is_not_a_duplicate_of_a_plain_one():
    rows = {i["name"]: i for i in db_health.index_stats()}
    like = next(name for name in rows if name.startswith("auth_user_username_") and name.endswith("_like"))
    assert rows[like]["duplicate_of"] == ""


def test_a_never_used_index_is_flagged_and_unique_ones_are_not():
    with connection.cursor() as cursor:
        cursor.execute("CREATE INDEX test_never_used ON tech_conversations (role)")
    rows = {i["name"]: i for i in db_health.index_stats()}
    assert rows["test_never_used"]["unused"] is True
    assert rows["tech_spec_sessions_pkey"]["unused"] is False


def test_tables_report_sizes_rows_and_vacuum_state():
    TechConversationFactory.create_batch(3, session=TechSpecSessionFactory())
    rows = {r["name"]: r for r in db_health.relation_stats(limit=200)}
    conversations = rows["tech_conversations"]
    assert conversations["total_bytes"] >= conversations["table_bytes"] + conversations["index_bytes"]
    assert {"last_vacuum", "last_autovacuum", "last_analyze", "last_autoanalyze", "dead_rows"} <= set(conversations)


def test_page_query_count_does_not_grow_with_the_data(admin_client):
    admin_client.get(PAGE)  # the first request also loads the session and the user
    with CaptureQueriesContext(connection) as empty:
        admin_client.get(PAGE)
    with connection.cursor() as cursor:
        cursor.execute("CREATE INDEX test_more_indexes ON tech_conversations (message_type)")
    TechConversationFactory.create_batch(20, session=TechSpecSessionFactory())
    with CaptureQueriesContext(connection) as fuller:
        admin_client.get(PAGE)
    assert len(fuller) == len(empty)


@pytest.fixture
def sleeper():
    """A second connection running pg_sleep(30) in a thread; yields its pid and how it ended."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    outcome = {}
    conn = psycopg.connect(**{k: v for k, v in params.items() if k in (
        "dbname", "user", "password", "host", "port", "options")}, application_name="techspec-test-sleeper",
        autocommit=True)
    pid = conn.info.backend_pid

    def run():
        try:
            conn.execute("SELECT pg_sleep(30)")
            outcome["result"] = "finished"
        except psycopg.errors.QueryCanceled:
            outcome["result"] = "cancelled"

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not any(q["pid"] == pid and "pg_sleep" in q["query"] for q in db_health.running_queries()):
            assert time.monotonic() < deadline, "the sleeping backend never showed up"
            time.sleep(0.05)
        yield {"pid": pid, "outcome": outcome, "thread": thread}
    finally:
        conn.cancel_safe() if thread.is_alive() else None
        thread.join(timeout=35)
        conn.close()


def test_cancel_stops_a_real_running_query_after_a_confirmed_post(django_user_model, sleeper, caplog):
    user = django_user_model.objects.create_superuser("dba", "dba@example.com", "pw")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    pid = sleeper["pid"]

    page = browser.get(PAGE).content.decode()
    assert f'data-pid="{pid}"' in page and "techspec-test-sleeper" in page
    confirm_url = reverse("techspec-db-health-cancel", args=[pid])
    confirm = browser.get(confirm_url)
    assert confirm.status_code == 200 and "pg_sleep(30)" in confirm.content.decode()
    assert sleeper["thread"].is_alive()  # a GET changes nothing

    assert browser.post(confirm_url).status_code == 403  # no CSRF token, no cancel
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', confirm.content.decode()).group(1)
    with caplog.at_level("WARNING", logger="techspec.db_health"):
        response = browser.post(confirm_url, {"csrfmiddlewaretoken": token})

    assert response.status_code == 302 and response["Location"].startswith(PAGE)
    sleeper["thread"].join(timeout=10)
    assert sleeper["outcome"].get("result") == "cancelled"
    assert f"pg_cancel_backend({pid}) by dba: signalled" in caplog.text


def test_cancelling_a_finished_backend_says_so(admin_client):
    response = admin_client.post(reverse("techspec-db-health-cancel", args=[999_999]), follow=True)
    assert "was not cancelled" in response.content.decode()


def test_top_queries_slower_than_the_threshold_are_highlighted(admin_client, monkeypatch, settings):
    """The section's rendering, with rows shaped as pg_stat_statements gives them (the embedded
    server has no such view; the other sections read the real catalogs)."""
    settings.DB_HEALTH_SLOW_QUERY_MS = 50
    rows = [{"query": "SELECT slow_one()", "calls": 3, "total_ms": 600.0, "mean_ms": 200.0, "rows": 3},
            {"query": "SELECT fast_one()", "calls": 9, "total_ms": 9.0, "mean_ms": 1.0, "rows": 9}]
    monkeypatch.setattr(db_health, "statement_stats",
                        lambda: db_health.Statements(available=True, installed=True, by_total=rows, by_mean=rows))
    html = admin_client.get(PAGE).content.decode()
    assert 'id="statements-missing"' not in html
    slow = re.findall(r'<tr class="ts-slow">.*?</tr>', html, flags=re.S)
    assert slow and all("slow_one" in row for row in slow) and not any("fast_one" in row for row in slow)
