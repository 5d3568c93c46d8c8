"""The staff console in headless Chromium: overview -> stuck session -> grouped errors -> recover a group -> error page.

Every page is checked at 1400x1000 for content, charts drawn as SVG with data
points, badges, and no horizontal scroll. Screenshots are kept under pytest's
tmp_path (the path is printed; run with -s to see it).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from design_bridge.models import DesignJob
from sessions_app.models import AgentErrorLog, TechSpecSession
from tests.factories import AgentErrorLogFactory, GeneratedTRDDocumentFactory, TechSpecSessionFactory
from tests.support.browser import create_staff, log_in, needs_browser, wait_loaded

WIDTH, HEIGHT = 1400, 1000

pytestmark = needs_browser


@pytest.fixture
def console_data(transactional_db, django_user_model):
    create_staff(django_user_model)
    stuck = TechSpecSessionFactory(status="waiting_user", current_stage="decisions", progress_percentage=45)
    TechSpecSession.objects.filter(pk=stuck.pk).update(updated_at=timezone.now() - timedelta(hours=3))
    done = TechSpecSessionFactory(completed=True)
    TechSpecSession.objects.filter(pk=done.pk).update(created_at=done.completed_at - timedelta(hours=2))
    GeneratedTRDDocumentFactory(session=done, version=1, quality_score=88)
    errors = AgentErrorLogFactory.create_batch(
        3, session=stuck, node="present_options", error_type="RateLimitError",
        stack_trace='Traceback (most recent call last):\n  File "agent/nodes.py", line 12\n    call()\nRateLimitError',
    )
    AgentErrorLogFactory(session=done, node="generate_trd", error_type="ValidationError", recovered=True)
    yield {"stuck": stuck, "errors": errors}
    DesignJob.objects.filter(pk__in=[stuck.design_job_id, done.design_job_id]).delete()


def look(driver, directory, name: str) -> None:
    """Assert the page fits 1400 px, then keep a full-height screenshot."""
    driver.set_window_size(WIDTH, HEIGHT)
    assert driver.execute_script("return document.documentElement.scrollWidth") <= WIDTH, name
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(WIDTH, max(HEIGHT, min(height + 140, 4000)))
    driver.save_screenshot(str(directory / f"{name}.png"))
    driver.set_window_size(WIDTH, HEIGHT)


def test_console_walkthrough_in_a_real_browser(browser, live_server, console_data, tmp_path):
    from selenium.webdriver.common.by import By

    stuck, errors = console_data["stuck"], console_data["errors"]
    shots = tmp_path / "console-screenshots"
    shots.mkdir()
    print(f"\nconsole screenshots: {shots}")

    log_in(browser, live_server.url)
    wait_loaded(browser, "/admin/")
    browser.find_element(By.CSS_SELECTOR, "#console-links a").click()

    # Overview: charts with data points, exact counts, the stuck session with its badges.
    wait_loaded(browser, "/admin/overview/")
    lines = browser.find_element(By.CSS_SELECTOR, "#per-day svg.chart.lines")
    assert int(lines.get_attribute("data-points")) == 60  # two series, 30 days
    assert len(lines.find_elements(By.CSS_SELECTOR, "circle.point")) == 60
    status = browser.find_element(By.CSS_SELECTOR, "#by-status svg")
    assert "Waiting for user: 1" in status.get_attribute("innerHTML")
    assert browser.find_elements(By.CSS_SELECTOR, "#errors-by-node svg.chart.spark rect.point")
    assert browser.find_element(By.CSS_SELECTOR, "#median").text.startswith("≈ 2 h")
    row = browser.find_element(By.CSS_SELECTOR, "#stuck tr.stuck-session")
    assert row.find_element(By.CSS_SELECTOR, ".ts-badge[data-value='waiting_user']").text == "Waiting for user"
    look(browser, shots, "01-overview")

    # The stuck session's own page.
    row.find_element(By.CSS_SELECTOR, "a").click()
    wait_loaded(browser, f"/{stuck.pk}/change/")
    assert str(stuck.pk) in browser.find_element(By.TAG_NAME, "body").text
    look(browser, shots, "02-stuck-session")

    # Grouped errors, sorted by open count, with trend sparklines.
    browser.get(f"{live_server.url}/admin/sessions_app/agenterrorlog/groups/")
    first = browser.find_element(By.CSS_SELECTOR, "#error-groups tr.error-group")
    assert "RateLimitError" in first.text and "present_options" in first.text
    assert len(first.find_elements(By.CSS_SELECTOR, "svg.chart.spark")) == 2
    assert len(first.find_elements(By.CSS_SELECTOR, "svg.chart.spark rect.point")) == 24 + 14
    look(browser, shots, "03-error-groups")

    # Recover the whole group: a confirmation with the count, then the service's count of what changed.
    first.find_element(By.CSS_SELECTOR, "a.recover-group").click()
    wait_loaded(browser, "/groups/set-recovered/")
    assert "3 errors" in browser.find_element(By.ID, "confirm-count").text
    look(browser, shots, "04-confirm-group")
    browser.find_element(By.ID, "confirm-group").click()
    wait_loaded(browser, "window=all")
    assert "3 errors of present_options · RateLimitError recovered." in browser.find_element(
        By.CSS_SELECTOR, "ul.messagelist").text
    assert not AgentErrorLog.objects.filter(pk__in=[e.pk for e in errors], recovered=False).exists()
    look(browser, shots, "05-group-recovered")

    # One error's page: the trace keeps its indentation in a monospaced block; reopen it.
    browser.get(f"{live_server.url}/admin/sessions_app/agenterrorlog/{errors[0].pk}/change/")
    trace = browser.find_element(By.CSS_SELECTOR, "pre.stack-trace")
    assert "\n  File \"agent/nodes.py\", line 12\n    call()" in trace.text
    assert "monospace" in trace.value_of_css_property("font-family").lower()
    assert browser.find_element(By.CSS_SELECTOR, ".ts-badge[data-value='recovered']").text == "recovered"
    look(browser, shots, "06-error-page")
    browser.find_element(By.ID, "reopen-error").click()
    wait_loaded(browser, f"/{errors[0].pk}/change/")
    assert browser.find_element(By.CSS_SELECTOR, ".ts-badge[data-value='open']").text == "open"
    errors[0].refresh_from_db()
    assert errors[0].recovered is False
    look(browser, shots, "07-error-reopened")
