"""The TRD pages in a real browser (headless Chromium): rendered headings, highlighted code,
the Mermaid diagram drawn as SVG by the vendored build under the page's CSP, hostile content
inert, and the compare view. Screenshots go to artifacts/admin/ (git-ignored); their paths are
printed."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from design_bridge.models import DesignJob
from sessions_app import services
from sessions_app.models import GeneratedTRDDocument
from tests.support.browser import create_staff, log_in, needs_browser, shot
from tests.support.trd_hostile import HOSTILE

pytestmark = needs_browser

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo.json"
DEMO_TRD = "7d000000-0000-4000-8000-000000000001"


@pytest.fixture
def demo_trds(transactional_db, django_user_model):
    """The demo data, a staff login, and a hostile second version of the demo TRD."""
    create_staff(django_user_model)
    call_command("loaddata", str(DEMO), verbosity=0)
    first = GeneratedTRDDocument.objects.get(pk=DEMO_TRD)
    second = services.trd_store(
        session_id=first.session_id, api_specification=first.api_specification,
        database_schema=first.database_schema + "CREATE TABLE cards (id uuid PRIMARY KEY);\n",
        # The diagram is the agent's too: Mermaid (securityLevel strict) must not run what it carries.
        architecture_diagram=first.architecture_diagram + "  API --> Worker\n"
        "  Worker --> X[\"<img src=x onerror=window.__trd_xss='mermaid'>label\"]\n"
        "  click Worker \"javascript:window.__trd_xss='click'\"\n",
        quality_score=93, **HOSTILE,
    )
    yield first, second
    # shared.* is the Design Agent's: the flush after the test leaves it, so remove the demo's jobs.
    DesignJob.objects.all().delete()


def open_document(driver, live_server, trd):
    """Log in, open the TRD's document page and wait until Mermaid has drawn its diagrams."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    log_in(driver, live_server.url)
    driver.get(live_server.url + reverse("admin:sessions_app_generatedtrddocument_document", args=[trd.pk]))
    WebDriverWait(driver, 20).until(
        lambda d: d.execute_script("return document.documentElement.dataset.trdDiagrams") == "drawn"
    )
    return driver.find_element(By.ID, "trd-document")


def test_a_demo_trd_reads_as_a_document_with_highlighted_code_and_a_drawn_diagram(browser, live_server, demo_trds):
    from selenium.webdriver.common.by import By

    first, _ = demo_trds
    document = open_document(browser, live_server, first)

    headings = [h.text for h in document.find_elements(By.CSS_SELECTOR, "h1, h2")]
    assert headings[:3] == ["Technical Requirements Document, version 1", "Contents",
                            "Technical Requirements Document"]
    assert {"1. Overview", "API specification", "Database schema", "Architecture diagram"} <= set(headings)
    keyword = document.find_element(By.CSS_SELECTOR, "pre.highlight span.nt")  # a YAML key, coloured
    assert keyword.text == "openapi" and keyword.value_of_css_property("color") != "rgba(31, 35, 40, 1)"
    assert document.find_element(By.CSS_SELECTOR, "table td").text == "Database"
    svg = document.find_element(By.CSS_SELECTOR, "pre.mermaid svg")
    assert {"Browser", "API", "PostgreSQL", "Redis"} <= set(svg.text.split())
    assert shot(browser, "trd-01-document").stat().st_size > 10_000


def test_hostile_content_in_a_trd_does_not_run_in_the_browser(browser, live_server, demo_trds):
    from selenium.webdriver.common.by import By

    _, second = demo_trds
    document = open_document(browser, live_server, second)
    for link in document.find_elements(By.TAG_NAME, "a"):
        if link.text in ("raw link", "ref link"):
            link.click()
    document.find_element(By.CSS_SELECTOR, "pre.mermaid svg g.node").click()
    assert not document.find_elements(By.CSS_SELECTOR, "svg [onerror], svg [onclick]")
    assert browser.execute_script("return window.__trd_xss === undefined")
    assert not document.find_elements(By.CSS_SELECTOR, "script, iframe, [onclick], [onerror], [onmouseover]")
    # The only images are what Mermaid's own sanitiser (DOMPurify) left of a label: no handler on them.
    assert not [img for img in document.find_elements(By.TAG_NAME, "img")
                if not browser.execute_script("return !!arguments[0].closest('svg')", img)]
    assert not [a for a in document.find_elements(By.TAG_NAME, "a")
                if (a.get_attribute("href") or "").startswith("javascript:")]
    assert "[markdown link](javascript:window.__trd_xss='md-link')" in document.text
    assert document.find_elements(By.CSS_SELECTOR, "pre.mermaid svg")  # the CSP still lets our Mermaid draw
    shot(browser, "trd-02-hostile")


def test_staff_compare_two_versions_side_by_section(browser, live_server, demo_trds):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    first, second = demo_trds
    log_in(browser, live_server.url)
    browser.get(live_server.url + reverse("admin:sessions_app_techspecsession_change", args=[first.session_id]))
    browser.find_element(By.LINK_TEXT, "compare with v1").click()

    summary = browser.find_element(By.ID, "trd-diff-summary").text
    assert "Database schema +1 −0" in summary and "API specification unchanged" in summary
    schema = browser.find_element(By.CSS_SELECTOR, 'table.trd-diff[data-section="database_schema"]')
    assert schema.find_element(By.CSS_SELECTOR, "tr.added").text.endswith("CREATE TABLE cards (id uuid PRIMARY KEY);")
    content = browser.find_element(By.CSS_SELECTOR, 'table.trd-diff[data-section="trd_content"]')
    assert "<script>window.__trd_xss = 'script'</script>" in content.text  # shown as text, never run
    assert browser.execute_script("return window.__trd_xss === undefined")
    shot(browser, "trd-03-compare")

    Select(browser.find_element(By.NAME, "from")).select_by_value("2")
    Select(browser.find_element(By.NAME, "to")).select_by_value("1")
    browser.find_element(By.CSS_SELECTOR, "#trd-compare-form input[type=submit]").click()
    assert "−1" in browser.find_element(By.ID, "trd-diff-summary").text
    assert second.version == 2


def test_the_trd_list_has_the_list_styles_and_a_working_copy_button(browser, live_server, demo_trds):
    from selenium.webdriver.common.by import By

    first, _ = demo_trds
    log_in(browser, live_server.url)
    browser.get(live_server.url + reverse("admin:sessions_app_generatedtrddocument_changelist"))
    # The TRD admin's own Media (the document styles) must not hide the list's copy script.
    copy = browser.find_element(By.CSS_SELECTOR, f'button.ts-copy[data-copy="{first.pk}"]')
    copy.click()
    assert "ts-copied" in copy.get_attribute("class")
    assert "/change/" not in browser.current_url  # copying does not open the row
    shot(browser, "trd-04-list")
