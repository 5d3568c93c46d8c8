"""The admin in a real browser: headless Chromium (Debian's package) driven by Selenium.

Log in, list sessions, filter by status, open a session, open the error triage
view and mark an error recovered. Screenshots of every page go to
artifacts/admin/ (git-ignored). `make browser-deps` installs the browser.
"""

from __future__ import annotations

import pytest

from design_bridge.models import DesignJob
from sessions_app.choices import SessionStage, SessionStatus
from tests.factories import (
    AgentErrorLogFactory,
    DesignDecisionFactory,
    DesignJobFactory,
    GeneratedTRDDocumentFactory,
    TechConversationFactory,
    TechResearchFactory,
    TechSpecSessionFactory,
)
from tests.support.browser import create_staff, log_in, needs_browser, shot, wait_loaded

pytestmark = needs_browser


@pytest.fixture
def demo(transactional_db, django_user_model):
    """A staff user, a pending and a failed session (with children), and an open error."""
    create_staff(django_user_model)
    job = DesignJobFactory(with_outputs=True)
    DesignDecisionFactory(job=job, decision_type="typography", decision_value="Inter")
    pending = TechSpecSessionFactory()
    failed = TechSpecSessionFactory(
        design_job=job, status=SessionStatus.FAILED, current_stage=SessionStage.RESEARCH, progress_percentage=35,
    )
    TechResearchFactory(session=failed, decided=True)
    TechConversationFactory(session=failed, message="Which database fits the PRD?")
    GeneratedTRDDocumentFactory(session=failed, version=1, quality_score=72)
    error = AgentErrorLogFactory(session=failed, node="generate_trd", error_type="ValidationError",
                                 message="The TRD misses the API section.")
    yield {"pending": pending, "failed": failed, "error": error}
    # The flush after a transactional test empties techspec's tables only; shared.* is the
    # Design Agent's, so remove the jobs this test made (the database cascades to their rows).
    DesignJob.objects.filter(pk__in=[pending.design_job_id, failed.design_job_id]).delete()


def click_and_wait(driver, element, url_part: str) -> None:
    element.click()
    wait_loaded(driver, url_part)


def test_staff_triage_sessions_and_errors_in_a_real_browser(browser, live_server, demo):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    pending, failed, error = demo["pending"], demo["failed"], demo["error"]

    browser.get(f"{live_server.url}/admin/login/")
    shot(browser, "01-login")
    log_in(browser, live_server.url)

    browser.get(f"{live_server.url}/admin/sessions_app/techspecsession/")
    rows = browser.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")
    assert len(rows) == 2
    assert browser.find_elements(By.CSS_SELECTOR, "#result_list progress")
    shot(browser, "02-sessions")

    failed_filter = browser.find_element(By.CSS_SELECTOR, "#changelist-filter").find_element(By.LINK_TEXT, "Failed")
    click_and_wait(browser, failed_filter, "status__exact=failed")
    rows = browser.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")
    # Lists show an id's distinguishing tail; the full id is in its title and copy button.
    assert len(rows) == 1 and str(failed.pk)[-8:] in rows[0].text
    assert str(pending.pk) not in browser.page_source
    shot(browser, "03-sessions-failed")

    click_and_wait(browser, rows[0].find_element(By.CSS_SELECTOR, "th a"), f"/{failed.pk}/change/")
    body = browser.find_element(By.TAG_NAME, "body").text
    assert str(failed.pk) in body
    assert "typography" in body and "Inter" in body  # the design job panel
    assert "Which database fits the PRD?" in body
    assert "ValidationError" in body and "Read v1" in body
    shot(browser, "04-session")

    browser.get(f"{live_server.url}/admin/sessions_app/agenterrorlog/groups/")
    group = browser.find_element(By.CSS_SELECTOR, "#error-groups tr.error-group")
    assert "generate_trd" in group.text and "ValidationError" in group.text
    shot(browser, "05-error-groups")

    click_and_wait(browser, group.find_element(By.CSS_SELECTOR, "a.open-errors"), "recovered__exact=0")
    rows = browser.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")
    assert len(rows) == 1
    rows[0].find_element(By.CSS_SELECTOR, "input.action-select").click()
    Select(browser.find_element(By.NAME, "action")).select_by_value("mark_recovered")
    browser.find_element(By.CSS_SELECTOR, "button[name=index]").click()
    assert "1 error recovered." in browser.find_element(By.CSS_SELECTOR, "ul.messagelist").text
    shot(browser, "06-error-recovered")

    error.refresh_from_db()
    assert error.recovered is True
