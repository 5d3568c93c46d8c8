"""Staff console in headless Chromium at 1400×1000: session list → session timeline → database health.

Each page is checked the way a person sees it: badges drawn, nothing wider than the
window (neither the page nor the results table scrolls sideways), the copy button
copies, and a screenshot of each is kept under pytest's tmp_path (path printed).
"""

from __future__ import annotations

import pytest

from design_bridge.models import DesignJob
from sessions_app.choices import SessionStage, SessionStatus
from tests.factories import (
    AgentErrorLogFactory,
    GeneratedTRDDocumentFactory,
    TechConversationFactory,
    TechResearchFactory,
    TechSpecSessionFactory,
)
from tests.support.browser import create_staff, log_in, needs_browser, wait_loaded

WIDTH, HEIGHT = 1400, 1000


pytestmark = needs_browser


@pytest.fixture
def console_data(transactional_db, django_user_model):
    create_staff(django_user_model)
    sessions = [
        TechSpecSessionFactory(status=status, current_stage=stage, progress_percentage=progress)
        for status, stage, progress in (
            (SessionStatus.FAILED, SessionStage.RESEARCH, 35),
            (SessionStatus.WAITING_USER, SessionStage.DECISIONS, 48),
            (SessionStatus.IN_PROGRESS, SessionStage.GENERATION, 80),
            (SessionStatus.PENDING, SessionStage.INITIALIZATION, 0),
        )
    ]
    failed = sessions[0]
    TechResearchFactory(session=failed, decided=True)
    TechConversationFactory.create_batch(3, session=failed, message="Which database fits the PRD? " * 4)
    GeneratedTRDDocumentFactory(session=failed, version=1, quality_score=72)
    AgentErrorLogFactory(session=failed, node="generate_trd", error_type="ValidationError",
                         message="The TRD misses the API section. " * 6)
    yield {"failed": failed}
    DesignJob.objects.filter(pk__in=[s.design_job_id for s in sessions]).delete()


def no_sideways_scroll(driver) -> None:
    widths = driver.execute_script(
        "var r = document.querySelector('.results');"
        "return [document.documentElement.scrollWidth, r ? r.scrollWidth : 0, r ? r.clientWidth : 0];"
    )
    assert widths[0] <= WIDTH, f"the page is {widths[0]} px wide"
    assert widths[1] <= widths[2], f"the results table needs {widths[1]} px of {widths[2]}"


def shot(driver, directory, name: str) -> None:
    path = directory / f"{name}.png"
    driver.save_screenshot(str(path))
    print(f"screenshot: {path}")


def test_session_list_to_timeline_to_database_health(browser, live_server, console_data, tmp_path):
    from selenium.webdriver.common.by import By

    failed = console_data["failed"]
    browser.set_window_size(WIDTH, HEIGHT)
    log_in(browser, live_server.url)
    wait_loaded(browser, "/admin/")

    # The session list: badges, id tails, one screen wide, a working copy button.
    browser.get(f"{live_server.url}/admin/sessions_app/techspecsession/")
    badges = {b.get_attribute("data-value") for b in browser.find_elements(By.CSS_SELECTOR, "#result_list .ts-badge")}
    assert {"failed", "waiting_user", "in_progress", "pending", "research", "decisions"} <= badges
    no_sideways_scroll(browser)
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")
               if str(failed.pk)[-8:] in r.text)
    copy = row.find_element(By.CSS_SELECTOR, "button.ts-copy")
    assert copy.get_attribute("data-copy") == str(failed.pk)
    copy.click()
    assert "ts-copied" in copy.get_attribute("class")
    assert "/change/" not in browser.current_url  # copying does not open the row
    assert browser.find_element(By.ID, "csv-export").get_attribute("href").endswith("/export.csv")
    shot(browser, tmp_path, "01-session-list")

    # The session's timeline: every kind, then only errors.
    row.find_element(By.CSS_SELECTOR, "th a").click()
    wait_loaded(browser, f"/{failed.pk}/change/")
    timeline = browser.find_element(By.ID, "session-timeline")
    kinds = {e.get_attribute("data-kind") for e in timeline.find_elements(By.CSS_SELECTOR, "li[data-kind]")}
    assert kinds == {"message", "research", "decision", "state", "trd", "error"}
    assert timeline.find_elements(By.CSS_SELECTOR, ".ts-badge")
    no_sideways_scroll(browser)
    browser.execute_script("document.getElementById('timeline').scrollIntoView()")
    shot(browser, tmp_path, "02-session-timeline")
    browser.find_element(By.CSS_SELECTOR, "a[data-kind-filter=error]").click()
    wait_loaded(browser, "kind=error")
    entries = browser.find_elements(By.CSS_SELECTOR, "#session-timeline li[data-kind]")
    assert [e.get_attribute("data-kind") for e in entries] == ["error"]
    assert "ValidationError" in entries[0].text
    shot(browser, tmp_path, "03-session-timeline-errors")

    # The errors list: long agent messages wrap inside their column, states are badges.
    browser.get(f"{live_server.url}/admin/sessions_app/agenterrorlog/")
    badges = browser.find_elements(By.CSS_SELECTOR, "td.field-state_badge .ts-badge")
    states = [b.get_attribute("data-value") for b in badges]
    assert states == ["open"]
    no_sideways_scroll(browser)
    shot(browser, tmp_path, "04-errors")

    # Database health, from the admin index.
    browser.get(f"{live_server.url}/admin/")
    browser.find_element(By.LINK_TEXT, "Database health").click()
    wait_loaded(browser, "/admin/db-health/")
    for section in ("overview", "running", "connections", "statements", "replication", "tables", "indexes"):
        assert browser.find_element(By.ID, section).is_displayed()
    tables = {r.get_attribute("data-table") for r in browser.find_elements(By.CSS_SELECTOR, "tr.ts-table-row")}
    assert "public.tech_spec_sessions" in tables
    no_sideways_scroll(browser)
    shot(browser, tmp_path, "05-database-health")
