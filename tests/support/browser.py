"""Headless Chromium (Debian's package) driven by Selenium: where it is, when to skip, logging in.

The `browser` fixture itself is in tests/conftest.py. `make browser-deps` installs the browser.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "admin"
PASSWORD = "browser-test-password"

# A browser test module's `pytestmark`. Skipped on a developer's machine without the browser; in CI
# (CI=true, where `make test` installs it) a missing browser must fail the run, not hide the test.
needs_browser = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()) and not os.environ.get("CI"),
        reason="needs Debian's chromium and chromium-driver: run `make browser-deps`",
    ),
]


def create_staff(user_model) -> None:
    """The superuser `staff` that log_in signs in as."""
    user_model.objects.create_superuser("staff", "staff@example.com", PASSWORD)


def log_in(driver, base_url: str) -> None:
    """Sign in to the admin as `staff` and wait for the admin index."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(f"{base_url}/admin/login/")
    driver.find_element(By.NAME, "username").send_keys("staff")
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    WebDriverWait(driver, 10).until(expected_conditions.title_contains("Site administration"))


def wait_loaded(driver, url_part: str) -> None:
    """Wait until the browser is on a URL holding `url_part` and that page has loaded
    (find_elements never waits for a navigation)."""
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 10).until(expected_conditions.url_contains(url_part))
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")


def shot(driver, name: str) -> Path:
    """A full-height screenshot (up to 4000 px) under artifacts/admin/; its path is printed."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1400, max(900, min(height + 100, 4000)))
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    print(f"screenshot: {path}")
    return path
