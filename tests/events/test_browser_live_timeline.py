"""The admin session page follows its session live: headless Chromium on a uvicorn server,
logged in as staff (the session cookie authenticates the WebSocket)."""

from __future__ import annotations

import time

import pytest
from django.db import connection

from tests.factories import TechSpecSessionFactory
from tests.support.browser import ARTIFACTS, create_staff, log_in, needs_browser
from tests.support.events_server import start_events_server
from tests.support.processes import stop_process, suite_database_url

pytestmark = needs_browser


@pytest.fixture
def server(transactional_db, tmp_path):
    served = start_events_server(suite_database_url(), tmp_path / "uvicorn.log")
    yield served
    stop_process(served.process)


def wait_for(browser, css, seconds=10):
    from selenium.webdriver.common.by import By

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = browser.find_elements(By.CSS_SELECTOR, css)
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"{css} did not appear")


def test_the_session_page_prepends_new_entries_live_as_text(browser, server, django_user_model):
    from selenium.webdriver.common.by import By

    create_staff(django_user_model)
    session = TechSpecSessionFactory()
    log_in(browser, server.http)
    browser.get(f"{server.http}/admin/sessions_app/techspecsession/{session.pk}/change/")
    wait_for(browser, '#session-timeline[data-live="connected"]')

    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO tech_conversations (session_id, role, message, message_type, metadata)"
                       " VALUES (%s, 'agent', %s, 'text', '{}') RETURNING id",
                       [session.pk, 'Use <img src=x onerror="document.title=1"> PostgreSQL'])
        message_id = cursor.fetchone()[0]
        cursor.execute("INSERT INTO agent_error_logs (session_id, node, error_type, message, stack_trace,"
                       " retry_count, recovered, recovery_strategy)"
                       " VALUES (%s, 'generate', 'Timeout', 'slow', '', 0, false, '') RETURNING id", [session.pk])
        error_id = cursor.fetchone()[0]
        cursor.execute("UPDATE agent_error_logs SET recovered = true WHERE id = %s", [error_id])

    entry = wait_for(browser, f'#session-timeline [data-kind="message"][data-id="{message_id}"]')[0]
    error = wait_for(browser, f'#session-timeline [data-kind="error"][data-id="{error_id}"][data-state="recovered"]')
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "events-live-timeline.png"))
    assert 'Use <img src=x onerror="document.title=1"> PostgreSQL' in entry.text  # shown as text
    assert not browser.find_elements(By.CSS_SELECTOR, "#session-timeline img")
    assert len(error) == 1  # logged, then updated in place when recovered
    entries = browser.find_elements(By.CSS_SELECTOR, "#session-timeline > li")
    assert [e.get_attribute("data-kind") for e in entries][:2] == ["error", "message"]  # newest first


def shape(element) -> list[tuple[str, str, str]]:
    """An entry's markup as (tag, class, text) of every element, the time's text (its age) aside."""
    return [
        (node.tag_name, node.get_attribute("class"), "" if node.tag_name == "time" else node.text)
        for node in [element, *element.find_elements("css selector", "*")]
    ]


def test_a_state_change_shown_live_is_the_entry_a_reload_shows(browser, server, django_user_model):
    from selenium.webdriver.common.by import By

    create_staff(django_user_model)
    session = TechSpecSessionFactory(status="pending", current_stage="initialization", progress_percentage=0)
    log_in(browser, server.http)
    page = f"{server.http}/admin/sessions_app/techspecsession/{session.pk}/change/"
    browser.get(page)
    wait_for(browser, '#session-timeline[data-live="connected"]')

    with connection.cursor() as cursor:
        for status, stage, progress in (("in_progress", "analysis", 5), ("in_progress", "analysis", 9)):
            cursor.execute("UPDATE tech_spec_sessions SET status = %s, current_stage = %s, progress_percentage = %s"
                           " WHERE id = %s", [status, stage, progress, session.pk])
        cursor.execute("INSERT INTO tech_conversations (session_id, role, message, message_type, metadata)"
                       " VALUES (%s, 'agent', 'after the tick', 'text', '{}')", [session.pk])

    change = '#session-timeline [data-kind="state"][data-id="00000000-0000-0000-0000-000000000001"]'
    live = wait_for(browser, change)[0]
    wait_for(browser, '#session-timeline [data-kind="message"]')  # logged after the tick: the tick was seen
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.execute_script("document.getElementById('timeline').scrollIntoView()")
    browser.save_screenshot(str(ARTIFACTS / "events-live-state-change.png"))
    assert "timeline-live" in live.get_attribute("class")
    assert "Status pending → in progress · Stage initialization → analysis" in live.text
    assert "Progress 5%" in live.text
    assert not browser.find_elements(By.CSS_SELECTOR, '#session-timeline [data-id$="000000000002"]')  # no tick
    live_shape = shape(live)

    browser.get(page)
    rendered = wait_for(browser, change)
    browser.execute_script("document.getElementById('timeline').scrollIntoView()")
    browser.save_screenshot(str(ARTIFACTS / "events-reloaded-state-change.png"))
    assert len(rendered) == 1 and "timeline-live" not in rendered[0].get_attribute("class")
    assert shape(rendered[0]) == [(tag, cls.replace(" timeline-live", ""), text) for tag, cls, text in live_shape]
